#include "server/unary_call.h"

#include <openssl/rand.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "caselink_common/status_macros.h"
#include "server/field_validator.h"
#include "server/status_map.h"
#include "spdlog/spdlog.h"

namespace caselink::server {

namespace {

// 16 hex characters: unique enough to find one call in a day of logs.
std::string NewCallId() {
  unsigned char b[8];
  RAND_bytes(b, sizeof(b));
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(b), sizeof(b)));
}

// What the per-caller limit counts by: the certificate's first URI SAN, else
// its common name (the same identities the policy maps to agencies).
std::string CallerKey(const grpc::ServerContextBase& ctx) {
  std::shared_ptr<const grpc::AuthContext> auth = ctx.auth_context();
  if (auth == nullptr) return "";
  for (const char* property : {"peer_uri", "x509_common_name"}) {
    auto values = auth->FindPropertyValues(property);
    if (!values.empty()) return std::string(values.front().data(), values.front().size());
  }
  return "";
}

}  // namespace

absl::Status RunGuarded(const ServiceContext& sc, const grpc::CallbackServerContext& ctx,
                        const std::string& method, const google::protobuf::Message& request,
                        google::protobuf::Message* response, const Handler& handler,
                        const std::string& request_id) {
  const absl::Time start = absl::Now();
  AccessRecord record;
  NoteRequest(request, &record);
  absl::Status status = [&]() -> absl::Status {
    auto scope = sc.guard->Admit(ctx, method, &record);
    if (!scope.ok()) return scope.status();
    scope->record = &record;
    CASELINK_RETURN_IF_ERROR(ValidateRequestFields(request));  // annotations.proto rules
    absl::Status s = handler(*scope);
    if (!s.ok()) return s;
    return sc.guard->FilterResponse(*scope, request, response, &record);
  }();
  // Every call is logged before its answer leaves; a write that succeeded
  // logged itself in its own batch. No log entry, no answer (fail closed).
  if (sc.access_log != nullptr && !(record.logged_in_batch && status.ok())) {
    absl::Status logged = sc.access_log->Log(record, status);
    if (!logged.ok()) status = logged;
  }
  if (!status.ok()) response->Clear();
  if (sc.metrics != nullptr) {
    sc.metrics->RecordCall(method, status.code(), record.agency_id, record.denied_by, absl::Now() - start);
  }
  // Every call is in the access log; the operator's log shows refusals and
  // failures at info and everything at debug (--log-level debug).
  const auto level = status.ok() ? spdlog::level::debug : spdlog::level::info;
  if (spdlog::should_log(level)) spdlog::log(level,
               "request_id={} rpc={} agency={} code={} cases={} masked={} withheld={} ms={:.2f}{}",
               request_id.empty() ? "-" : request_id, method,
               record.agency_id.empty() ? "-" : record.agency_id,
               absl::StatusCodeToString(status.code()), absl::StrJoin(record.case_ids, ","),
               record.fields.masked.size(), record.fields.withheld.size(),
               absl::ToDoubleMilliseconds(absl::Now() - start),
               status.ok() ? "" : " msg=\"" + std::string(status.message()) + "\"");
  return status;
}

grpc::ServerUnaryReactor* ServeUnary(const ServiceContext& sc, grpc::CallbackServerContext* ctx,
                                     const std::string& method,
                                     const google::protobuf::Message* request,
                                     google::protobuf::Message* response, Handler handler) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  const absl::Time arrived = absl::Now();
  // Admission per caller happens here, before the work queue: a flood from
  // one agency is refused at once (and still logged) instead of waiting in
  // line ahead of other agencies' calls.
  const std::string caller = CallerKey(*ctx);
  const bool admitted = sc.limiter == nullptr || caller.empty() || sc.limiter->TryAcquire(caller);
  if (!admitted) {
    const int limit = sc.limiter->limit();
    handler = [limit](const CallScope& scope) {
      if (scope.record != nullptr) scope.record->denied_by = deny_rule::kCallsInFlight;
      return absl::ResourceExhaustedError(absl::StrCat(
          "agency '", scope.principal.agency_id, "' already has ", limit,
          " calls in flight (limits.max_calls_in_flight_per_agency); retry with backoff"));
    };
  }
  sc.pool->Schedule([&sc, ctx, method, request, response, reactor, admitted, caller, arrived,
                     h = std::move(handler)] {
    // One id per call, returned to the client in trailing metadata and
    // written in the server's log line, so an integrator's report of a
    // failed call can be matched to the operator's log.
    const std::string request_id = NewCallId();
    ctx->AddTrailingMetadata("caselink-request-id", request_id);
    grpc::Status status;
    {
      // The agency's turn at the CPU (given up at the first wait for storage).
      FairGate::Slot turn(sc.gate, caller);
      status = ToGrpc(RunGuarded(sc, *ctx, method, *request, response, h, request_id));
    }
    if (admitted && sc.limiter != nullptr && !caller.empty()) sc.limiter->Release(caller);
    // Server time of the call (queueing, checks, storage, access log), like
    // HTTP's Server-Timing: lets a client tell the network from the server.
    ctx->AddTrailingMetadata("caselink-server-micros",
                             absl::StrCat(absl::ToInt64Microseconds(absl::Now() - arrived)));
    reactor->Finish(status);
  });
  return reactor;
}

}  // namespace caselink::server
