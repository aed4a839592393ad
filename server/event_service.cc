#include "server/event_service.h"

#include "absl/strings/str_cat.h"
#include "caselink_common/status_macros.h"
#include "server/field_validator.h"
#include "server/request_validator.h"
#include "server/status_map.h"
#include "spdlog/spdlog.h"

namespace caselink::server {
namespace {

const std::string kWatch = std::string(v1::EventService::service_full_name()) + "/Watch";
constexpr int kBatch = 256;
// How often a waiting stream checks for cancellation.
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
  auto slot = wf.hub->Acquire(scope.principal.agency_id, wf.config.max_watch_streams_per_agency());
  if (!slot.ok()) {
    record->denied_by = deny_rule::kEventStreams;
    return slot.status();
  }
  uint64_t cursor = req.from_cursor();
  while (true) {
    if (ctx->IsCancelled()) return absl::CancelledError("the client cancelled the stream");
    if (wf.hub->closed()) {
      return absl::UnavailableError(absl::StrCat(
          "the server is stopping; reconnect with from_cursor=", cursor));
    }
    const uint64_t seen = wf.hub->generation();
    const uint64_t durable = wf.hub->durable_seq();
    CASELINK_ASSIGN_OR_RETURN(std::vector<v1::Event> batch,
                              wf.events->Read(scope.principal.agency_id, cursor, kBatch));
    bool ahead = false;
    for (v1::Event& e : batch) {
      const uint64_t c = e.cursor();
      // Written but not yet fsynced: wait for the sync rather than deliver
      // an event a power failure could still take back.
      if (c > durable) {
        ahead = true;
        break;
      }
      CASELINK_RETURN_IF_ERROR(sc_.guard->FilterResponse(scope, req, &e, record));
      if (!writer->Write(e)) return absl::CancelledError("the stream was closed by the client");
      cursor = c;
    }
    if (!ahead && static_cast<int>(batch.size()) == kBatch) continue;
    wf.hub->WaitChange(seen, kPoll);
  }
}

grpc::Status EventServiceImpl::Watch(grpc::ServerContext* ctx, const v1::WatchRequest* req,
                                     grpc::ServerWriter<v1::Event>* writer) {
  const absl::Time start = absl::Now();
  AccessRecord record;
  absl::Status status = [&]() -> absl::Status {
    CASELINK_ASSIGN_OR_RETURN(CallScope scope, sc_.guard->Admit(*ctx, kWatch, &record));
    scope.record = &record;
    return Stream(ctx, scope, *req, writer, &record);
  }();
  if (sc_.metrics != nullptr) {
    sc_.metrics->RecordCall(kWatch, status.code(), record.agency_id, record.denied_by, absl::Now() - start);
  }
  // One access-log entry per stream, with every case it delivered.
  if (sc_.access_log != nullptr) {
    absl::Status logged = sc_.access_log->Log(record, status);
    if (!logged.ok()) spdlog::error("access log of a Watch stream failed: {}", logged.ToString());
  }
  spdlog::info("rpc={} agency={} code={} cases={} ms={:.2f}", kWatch,
               record.agency_id.empty() ? "-" : record.agency_id,
               absl::StatusCodeToString(status.code()), record.case_ids.size(),
               absl::ToDoubleMilliseconds(absl::Now() - start));
  return ToGrpc(status);
}

}  // namespace caselink::server
