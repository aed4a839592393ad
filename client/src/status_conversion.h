// Conversion of a finished gRPC call into an absl::Status: the one place
// where the client maps between the two. Stateless; thread-safe.
//
// Example:
//   grpc::Status s = stub->GetCase(&ctx, req, &resp);
//   if (!s.ok()) return caselink::client_internal::FromGrpcCall(s, ctx);
#pragma once

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace caselink::client_internal {

// The trailing-metadata key under which the server returns its request id
// of every call (server/unary_call.cc).
inline constexpr char kRequestIdTrailer[] = "caselink-request-id";

// Same code (gRPC and absl share the numbering), same message. Binary error
// details are dropped. OK maps to OK.
absl::Status FromGrpcStatus(const grpc::Status& status);

// FromGrpcStatus, plus the server's request id from the trailing metadata of
// `context` (the call has finished) as the kRequestIdPayloadUrl payload.
absl::Status FromGrpcCall(const grpc::Status& status, const grpc::ClientContext& context);

}  // namespace caselink::client_internal
