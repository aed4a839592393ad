#include "server/core/stream_call.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/core/server_metrics.h"
#include "server/core/status_map.h"
#include "server/core/unary_call.h"

namespace caselink::server {

grpc::Status ServeStreaming(const ServiceContext& sc, grpc::ServerContext* ctx, const std::string& method,
                            bool take_slot, const std::function<absl::Status(const CallScope& scope)>& body,
                            const google::protobuf::Message* request) {
  const absl::Time start = absl::Now();
  const std::string call_id = NewCallId();
  ctx->AddTrailingMetadata("caselink-request-id", call_id);
  AccessRecord record;
  if (request != nullptr) NoteRequest(*request, &record);
  absl::StatusOr<CallScope> scope = sc.guard->Admit(*ctx, method, &record);
  absl::Status status = scope.status();
  if (status.ok()) {
    const std::string& agency = scope->principal.agency_id;
    if (take_slot && sc.limiter != nullptr && !sc.limiter->TryAcquire(agency)) {
      record.denied_by = deny_rule::kCallsInFlight;
      status = absl::ResourceExhaustedError(absl::StrCat(
          "agency '", agency, "' already has ", sc.limiter->limit(),
          " calls in flight (limits.max_calls_in_flight_per_agency); retry with backoff"));
    } else {
      scope->record = &record;
      status = body(*scope);
      if (take_slot && sc.limiter != nullptr) sc.limiter->Release(agency);
    }
  }
  status = ConcludeCall(sc, method, record, status, start, call_id);
  ctx->AddTrailingMetadata("caselink-server-micros", absl::StrCat(absl::ToInt64Microseconds(absl::Now() - start)));
  return ToGrpc(status);
}

}  // namespace caselink::server
