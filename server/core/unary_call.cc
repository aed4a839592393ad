#include "server/core/unary_call.h"

#include "server/core/party_ids.h"

#include <functional>
#include <memory>
#include <optional>

#include "absl/container/flat_hash_set.h"
#include "absl/random/random.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/support/proto_buffer_writer.h"
#include "caselink_common/status_macros.h"
#include "auth/peer_identity.h"
#include "server/core/field_validator.h"
#include "server/core/log_field.h"
#include "server/core/party_ids.h"
#include "server/core/server_metrics.h"
#include "server/core/status_map.h"
#include "spdlog/spdlog.h"

namespace caselink::server {

namespace {

using google::protobuf::Message;

// One call, from the door to the answer (shared by the door and the worker).
struct UnaryCall {
  std::unique_ptr<Message> request;
  std::unique_ptr<Message> response;
  AccessRecord record;
  std::string request_id;
  absl::Time arrived;
};

// Server time of the call (queueing, checks, storage, access log), like
// HTTP's Server-Timing: lets a client tell the network from the server.
void AddServerTime(grpc::CallbackServerContext* ctx, absl::Time arrived) {
  ctx->AddTrailingMetadata("caselink-server-micros",
                           absl::StrCat(absl::ToInt64Microseconds(absl::Now() - arrived)));
}

// The handler and the response filter of an admitted call.
absl::Status RunAdmitted(const ServiceContext& sc, const UnaryMethod& m, const CallScope& scope,
                         UnaryCall* call) {
  CASELINK_RETURN_IF_ERROR(ValidateRequestFields(*call->request));  // annotations.proto rules
  absl::Status s = m.handler(scope, *call->request, call->response.get());
  if (!s.ok()) return s;
  return sc.guard->FilterResponse(scope, *call->request, call->response.get(), &call->record);
}

}  // namespace

// 16 hex characters: unique enough to find one call in a day of logs. Not a
// secret, so a per-thread generator seeded from the OS (absl::BitGen is not
// thread-safe) rather than the CSPRNG's lock on every call.
std::string NewCallId() {
  thread_local absl::BitGen gen;
  return absl::StrFormat("%016x", absl::Uniform<uint64_t>(gen));
}

namespace {

// Every call is logged before its answer leaves; a write that succeeded
// logged itself in its own batch. No log entry, no answer (fail closed).
bool NeedsOwnEntry(const ServiceContext& sc, const AccessRecord& record, const absl::Status& status) {
  return sc.access_log != nullptr && !(record.logged_in_batch && status.ok());
}

// Whether `answer` holds a path `batch` does not.
bool HasPathBeyond(const auth::FieldPathSet& answer, const auth::FieldPathSet& batch) {
  for (absl::string_view path : answer) {
    if (batch.count(path) == 0) return true;
  }
  return false;
}

// The second entry of a write whose answer (as the response filter found
// it) names cases, or returns field paths, the entry in its batch does not
// — written before the answer existed, that entry named what the write
// knew: the call's record naming the cases beyond it (or, if only the
// fields differ, the answer's cases) with the answer's field paths, saying
// why it exists. None if the batch entry named it all.
std::optional<AccessRecord> BeyondBatchRecord(const ServiceContext& sc, const AccessRecord& record,
                                              const absl::Status& status) {
  if (sc.access_log == nullptr || !record.logged_in_batch || !status.ok()) return std::nullopt;
  absl::flat_hash_set<absl::string_view> named(record.named_in_batch.begin(), record.named_in_batch.end());
  std::vector<std::string> beyond;
  for (const std::string& id : record.case_ids) {
    if (named.insert(id).second) beyond.push_back(id);
  }
  const bool more_fields = HasPathBeyond(record.fields.full, record.fields_in_batch.full) ||
                           HasPathBeyond(record.fields.masked, record.fields_in_batch.masked) ||
                           HasPathBeyond(record.fields.withheld, record.fields_in_batch.withheld);
  // Parties the answer shows (a written case's, an identity number in an
  // item's text returned in full) that the batch entry did not name.
  absl::flat_hash_set<std::string> parties_named;
  for (const std::string& id : record.party_ids_in_batch) parties_named.insert(NormalizePartyId(id));
  bool more_parties = false;
  for (const std::string& id : record.party_ids) more_parties |= parties_named.count(NormalizePartyId(id)) == 0;
  if (beyond.empty() && !more_fields && !more_parties) return std::nullopt;
  AccessRecord r = record;
  if (!beyond.empty()) r.case_ids = std::move(beyond);
  r.requested_case_ids.clear();  // the first entry named them
  r.detail = more_fields || more_parties ? "what the answer returned beyond the entry written with its write"
                                         : "cases the answer named beyond the entry written with its write";
  return r;
}

// A refusal's message for the operator's log line. It can quote what the
// caller sent (an identity number asked for as a case id: "case '…' not
// found"), and the operator's log outlives the call outside the database's
// controls, so identifiers in it are masked as in the access log's copy
// (log_field.h; the entry names the party by HMAC). Rarely a case id
// whose digits joined pass a number's check is masked too: the request_id
// still leads to the entry, which has the id exactly.
std::string LoggedMessage(const absl::Status& status) {
  constexpr size_t kLoggedMessageChars = 1000;
  std::vector<std::string> unused;
  return LogText(status.message(), kLoggedMessageChars, &unused);
}

// The steps after the entry: metrics and the operator's log line.
absl::Status AfterEntry(const ServiceContext& sc, const std::string& method, const AccessRecord& record,
                        const absl::Status& status, absl::Time start, const std::string& request_id) {
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
               status.ok() ? "" : " msg=\"" + LoggedMessage(status) + "\"");
  return status;
}

}  // namespace

absl::Status ConcludeCall(const ServiceContext& sc, const std::string& method,
                          const AccessRecord& record, absl::Status status, absl::Time start,
                          const std::string& request_id) {
  absl::Status logged = absl::OkStatus();
  if (NeedsOwnEntry(sc, record, status)) {
    logged = sc.access_log->Log(record, status);
  } else if (std::optional<AccessRecord> second = BeyondBatchRecord(sc, record, status)) {
    logged = sc.access_log->Log(*second, status);
  }
  if (!logged.ok()) status = logged;
  return AfterEntry(sc, method, record, status, start, request_id);
}

void ConcludeCallAsync(const ServiceContext& sc, const std::string& method, const AccessRecord& record,
                       absl::Status status, absl::Time start, const std::string& request_id,
                       std::function<void(absl::Status)> done) {
  std::optional<AccessRecord> second;
  if (!NeedsOwnEntry(sc, record, status)) {
    second = BeyondBatchRecord(sc, record, status);
    if (!second.has_value()) {
      done(AfterEntry(sc, method, record, status, start, request_id));
      return;
    }
  }
  auto then = [&sc, &method, &record, status, start, &request_id,
               done = std::move(done)](absl::Status logged) {
    done(AfterEntry(sc, method, record, logged.ok() ? status : logged, start, request_id));
  };
  // LogAsync builds the entry before it returns: the second record need not
  // outlive this call.
  sc.access_log->LogAsync(second.has_value() ? *second : record, status, std::move(then));
}

void ConcludeRefusedHandshake(const ServiceContext& sc, const std::string& cert_pem, const absl::Status& refusal) {
  // Held until the entry is written (ConcludeCallAsync keeps references).
  struct Refused {
    std::string method = kTlsHandshakeMethod;
    std::string request_id;
    AccessRecord record;
  };
  auto r = std::make_shared<Refused>();
  r->record.method = r->method;
  auto fingerprint = auth::CertificateFingerprint(cert_pem);
  if (fingerprint.ok()) r->record.cert_fingerprint = *fingerprint;
  r->record.denied_by = deny_rule::kRevocation;
  r->record.detail = absl::StrCat("refused at the TLS handshake: ", refusal.message());
  ConcludeCallAsync(sc, r->method, r->record, refusal, absl::Now(), r->request_id, [r](absl::Status) {});
}

namespace {

// Runs an admitted call on the current thread (holding its CPU turn) and
// concludes it: the answer leaves once its access-log entry is written, from
// the thread that wrote it.
void ServeAdmitted(const ServiceContext& sc, grpc::CallbackServerContext* ctx, const std::string& method,
                   const UnaryMethod& m, grpc::ByteBuffer* response, grpc::ServerUnaryReactor* reactor,
                   const std::shared_ptr<UnaryCall>& call, const CallScope& scope) {
  absl::Status s = RunAdmitted(sc, m, scope, call.get());
  ConcludeCallAsync(sc, method, call->record, s, call->arrived, call->request_id,
                    [&sc, ctx, response, reactor, call, agency = scope.principal.agency_id](absl::Status s) {
    if (s.ok()) {
      bool own = false;
      grpc::Status ser =
          grpc::GenericSerialize<grpc::ProtoBufferWriter, Message>(*call->response, response, &own);
      if (!ser.ok()) s = absl::InternalError("the response could not be serialized");
    }
    // On error nothing partial leaves the server.
    if (!s.ok()) response->Clear();
    if (sc.limiter != nullptr) sc.limiter->Release(agency);
    AddServerTime(ctx, call->arrived);
    reactor->Finish(ToGrpc(s));
  });
}

}  // namespace

grpc::ServerUnaryReactor* ServeUnary(const ServiceContext& sc, grpc::CallbackServerContext* ctx,
                                     const std::string& method, const UnaryMethod& m,
                                     const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  auto call = std::make_shared<UnaryCall>();
  call->arrived = absl::Now();
  // One id per call, returned to the client in trailing metadata and
  // written in the server's log line, so an integrator's report of a
  // failed call can be matched to the operator's log.
  call->request_id = NewCallId();
  ctx->AddTrailingMetadata("caselink-request-id", call->request_id);

  // The door: parse, identify, authorize, take a slot.
  call->request.reset(m.request_prototype->New());
  call->response.reset(m.response_prototype->New());
  grpc::ByteBuffer bytes(*request);
  const absl::Status parsed = ParseClosed(&bytes, call->request.get());
  if (parsed.ok()) NoteRequest(*call->request, &call->record);
  absl::StatusOr<CallScope> scope = sc.guard->Admit(*ctx, method, &call->record);
  absl::Status refused = scope.ok() ? parsed : scope.status();
  if (scope.ok() && !parsed.ok()) call->record.denied_by = deny_rule::kUndecodableRequest;
  // The per-agency limit counts the agency the certificate matched (all of
  // one agency's certificates share it). A call over it is refused here,
  // before the work queue, so a flood from one agency never waits in line
  // ahead of other agencies' calls.
  if (refused.ok() && sc.limiter != nullptr && !sc.limiter->TryAcquire(scope->principal.agency_id)) {
    call->record.denied_by = deny_rule::kCallsInFlight;
    refused = absl::ResourceExhaustedError(absl::StrCat(
        "agency '", scope->principal.agency_id, "' already has ", sc.limiter->limit(),
        " calls in flight (limits.max_calls_in_flight_per_agency); retry with backoff"));
  }
  if (!refused.ok()) {
    // gRPC's callback thread does not wait for the entry either.
    ConcludeCallAsync(sc, method, call->record, refused, call->arrived, call->request_id,
                      [ctx, reactor, call](absl::Status status) {
                        AddServerTime(ctx, call->arrived);
                        reactor->Finish(ToGrpc(status));
                      });
    return reactor;
  }
  scope->record = &call->record;
  // A point read is served here, on gRPC's thread, when a CPU turn is free
  // and nobody waits for one: no hand-off to a worker and back. Otherwise it
  // queues like any call, so a flood still waits behind the fair gate.
  if (m.point_read) {
    FairGate::Slot turn(sc.gate, scope->principal.agency_id, FairGate::Slot::IfFree{});
    if (turn.held()) {
      if (sc.metrics != nullptr) sc.metrics->RecordInline(method);
      ServeAdmitted(sc, ctx, method, m, response, reactor, call, *scope);
      return reactor;
    }
  }
  sc.pool->Schedule([&sc, ctx, &method, &m, response, reactor, call, scope = *std::move(scope)] {
    // The agency's turn at the CPU, until the call waits for its entry.
    FairGate::Slot turn(sc.gate, scope.principal.agency_id);
    ServeAdmitted(sc, ctx, method, m, response, reactor, call, scope);
  });
  return reactor;
}

}  // namespace caselink::server
