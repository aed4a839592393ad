// Conversion of a gRPC status into an absl::Status: the one place where the
// client maps between the two. Stateless; thread-safe.
//
// Example:
//   grpc::Status s = stub->GetCase(&ctx, req, &resp);
//   if (!s.ok()) return caselink::client_internal::FromGrpcStatus(s);
#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace caselink::client_internal {

// Same code (gRPC and absl share the numbering), same message. Binary error
// details are dropped. OK maps to OK.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace caselink::client_internal
