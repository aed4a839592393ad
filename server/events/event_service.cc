#include "server/events/event_service.h"

#include "absl/strings/str_cat.h"
#include "caselink_common/status_macros.h"
#include "server/events/delivery_log.h"
#include "server/core/field_validator.h"
#include "server/core/request_validator.h"
#include "server/core/status_map.h"
#include "server/core/stream_call.h"
#include "server/events/stream_scope.h"
#include "spdlog/spdlog.h"

namespace caselink::server {
namespace {

const std::string kWatch = std::string(v1::EventService::service_full_name()) + "/Watch";
constexpr int kBatch = 256;
// How often a waiting stream checks for cancellation and re-checks the
// caller under the current policy (a revoked grant ends it within this).
constexpr absl::Duration kPoll = absl::Milliseconds(250);

}  // namespace

absl::Status EventServiceImpl::Stream(grpc::ServerContext* ctx, const CallScope& scope,
                                      const v1::WatchRequest& req,
                                      grpc::ServerWriter<v1::Event>* writer, AccessRecord* record) {
  if (req.purpose().empty()) {
    return absl::InvalidArgumentError(
        "purpose: is required (查询事由): events embed cases, recorded like reads");
  }
  CASELINK_RETURN_IF_ERROR(ValidateRequestFields(req));
  const WorkflowContext& wf = *sc_.workflow;
  auto slot = wf.hub->Acquire(scope.principal.agency_id, wf.settings->Get()->config.max_watch_streams_per_agency());
  if (!slot.ok()) {
    record->denied_by = deny_rule::kEventStreams;
    return slot.status();
  }
  record->purpose = req.purpose();
  CASELINK_ASSIGN_OR_RETURN(const uint64_t last, wf.events->LastCursor(scope.principal.agency_id));
  if (req.from_cursor() > last) {
    return absl::OutOfRangeError(absl::StrCat(
        "from_cursor: ", req.from_cursor(), " is beyond the last cursor issued to agency '",
        scope.principal.agency_id, "' (", last, "); resume from a cursor an event carried, or 0 for every event"));
  }
  // Each group of events is filtered under the policy in force when it is
  // sent (not the one the stream was opened under), logged, then sent.
  StreamScope live(sc_.guard, ctx, scope);
  DeliveryLog deliveries(sc_.access_log, *record);
  std::vector<v1::Event> pending;
  uint64_t cursor = req.from_cursor();
  // Logs the pending events (one bounded entry), then sends them.
  auto flush = [&]() -> absl::Status {
    CASELINK_RETURN_IF_ERROR(deliveries.Commit());
    for (const v1::Event& e : pending) {
      if (!writer->Write(e)) return absl::CancelledError("the stream was closed by the client");
      cursor = e.cursor();
    }
    pending.clear();
    return absl::OkStatus();
  };
  while (true) {
    if (ctx->IsCancelled()) return absl::CancelledError("the client cancelled the stream");
    if (wf.hub->closed()) {
      return absl::UnavailableError(absl::StrCat(
          "the server is stopping; reconnect with from_cursor=", cursor));
    }
    // Also while idle: a reload that ends the grant ends the stream within
    // one poll interval, not at the next event.
    CASELINK_RETURN_IF_ERROR(live.Recheck(record));
    const uint64_t seen = wf.hub->generation();
    const uint64_t durable = wf.hub->durable_seq();
    // Events written but not yet fsynced are held back: the stream waits
    // for the sync rather than deliver one a power failure could take back.
    bool ahead = false;
    CASELINK_ASSIGN_OR_RETURN(std::vector<v1::Event> batch,
                              wf.events->Read(live.scope().principal.agency_id, cursor, kBatch, durable, &ahead));
    for (v1::Event& e : batch) {
      // An event embeds its cases as they were when it happened; each is
      // read as its case is now (a case since moved out of the caller's rows
      // is left out), as GetCase reads an older version.
      CASELINK_RETURN_IF_ERROR(sc_.guard->ReadSnapshotsAsLatest(live.scope(), e.mutable_cases(), deliveries.Chunk()));
      CASELINK_RETURN_IF_ERROR(sc_.guard->FilterResponse(live.scope(), req, &e, deliveries.Chunk()));
      deliveries.AddEvent(e);
      pending.push_back(std::move(e));
      if (deliveries.Full()) {
        CASELINK_RETURN_IF_ERROR(flush());
        CASELINK_RETURN_IF_ERROR(live.Recheck(record));
      }
    }
    CASELINK_RETURN_IF_ERROR(flush());
    if (!ahead && static_cast<int>(batch.size()) == kBatch) continue;
    wf.hub->WaitChange(seen, kPoll);
  }
}

grpc::Status EventServiceImpl::Watch(grpc::ServerContext* ctx, const v1::WatchRequest* req,
                                     grpc::ServerWriter<v1::Event>* writer) {
  // The stream's own entry carries its final status; what it delivered was
  // logged as it went (DeliveryLog), so that entry names no cases. Streams
  // have their own per-agency limit (max_watch_streams_per_agency).
  return ServeStreaming(sc_, ctx, kWatch, /*take_slot=*/false, [&](const CallScope& scope) {
    return Stream(ctx, scope, *req, writer, scope.record);
  }, req);
}

}  // namespace caselink::server
