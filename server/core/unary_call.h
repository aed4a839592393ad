// ServeUnary runs one unary RPC through the enforcement path. At the door,
// on gRPC's thread: parse the request bytes (closed world: unknown fields
// dropped; bytes that do not parse are refused naming the message type),
// identify the caller and authorize the RPC (CallGuard::Admit), and take one
// of the matched agency's in-flight slots. A call refused at the door is
// logged and answered at once, never queued. Then, on the worker pool (or,
// for a method declared (caselink.v1.point_read) while a CPU turn is free,
// on gRPC's thread itself): the handler, the response filter (rows, fields, purpose), the access log, the
// answer. Every unary method of every service goes through it (RawService
// registers them), so no handler can skip a step. The worker does not wait
// for the access-log entry's write: the answer leaves from the thread that
// writes it (ConcludeCallAsync), and the worker serves the next call.
#pragma once

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "server/core/call_guard.h"
#include "server/core/raw_service.h"
#include "server/core/service_context.h"

namespace caselink::server {

// `method`: "caselink.v1.CaseService/GetCase"; `m` supplies the message
// types and the handler. Both are the registration's and must outlive the
// call (the answer may leave from another thread after this returns).
grpc::ServerUnaryReactor* ServeUnary(const ServiceContext& sc, grpc::CallbackServerContext* ctx,
                                     const std::string& method, const UnaryMethod& m,
                                     const grpc::ByteBuffer* request, grpc::ByteBuffer* response);

// A fresh id for one call (16 hex characters), returned to the client as
// trailing metadata "caselink-request-id" and written in the operator's log.
std::string NewCallId();

// The last steps of every call, answered or refused: the access-log entry
// (unless the call's write batch carried it), metrics and the operator's log
// line. Returns the status to answer: `status`, or the log's failure (no log
// entry, no answer).
absl::Status ConcludeCall(const ServiceContext& sc, const std::string& method,
                          const AccessRecord& record, absl::Status status, absl::Time start,
                          const std::string& request_id);
// The same without blocking on the access log's group write: `done` gets
// the status to answer, on this thread or the one that writes the entry
// (AccessLogger::LogAsync). `method`, `record` and `request_id` must stay
// valid until `done` has run; `done` must not block.
void ConcludeCallAsync(const ServiceContext& sc, const std::string& method, const AccessRecord& record,
                       absl::Status status, absl::Time start, const std::string& request_id,
                       std::function<void(absl::Status)> done);

// The pseudo-method under which refused TLS handshakes are logged and counted.
inline constexpr char kTlsHandshakeMethod[] = "caselinkd/TlsHandshake";

// A TLS handshake refused because a CRL lists the client certificate never
// becomes a call, yet it is an attempt to get in: it is concluded like a
// refused call (access-log entry with the certificate's fingerprint, code
// UNAUTHENTICATED and the refusal as detail; caselink_denied_requests_total
// {rule="certificate_revocation"}; the operator's log line). Does not block.
void ConcludeRefusedHandshake(const ServiceContext& sc, const std::string& cert_pem, const absl::Status& refusal);

}  // namespace caselink::server
