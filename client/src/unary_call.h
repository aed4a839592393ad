// UnaryCall: the one generic way the client makes a unary RPC (deadline,
// status conversion with the server's request id). Every wrapped method of every service goes through it.
// Thread-safe as far as the stub is (generated stubs are).
//
// Example:
//   return UnaryCall(*stub, &v1::CaseService::Stub::GetCase, request,
//                    options.deadline);
#pragma once

#include <chrono>

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "status_conversion.h"

namespace caselink::client_internal {

// Calls `method` on `stub` with a fresh ClientContext whose deadline is now
// + `deadline`. Returns the response, or the call's status converted by
// FromGrpcCall (so it carries the server's request id, if any). Retries are done by the channel (see channel_factory.h),
// inside the same deadline.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> UnaryCall(
    Stub& stub,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                 Response*),
    const Request& request, absl::Duration deadline) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       absl::ToChronoNanoseconds(deadline));
  Response response;
  grpc::Status status = (stub.*method)(&context, request, &response);
  if (!status.ok()) return FromGrpcCall(status, context);
  return response;
}

}  // namespace caselink::client_internal
