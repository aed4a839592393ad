// The one place where absl::Status becomes grpc::Status. The codes are the
// same numbers; the message is kept as is (it was written for a person).
#pragma once

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace caselink::server {

grpc::Status ToGrpc(const absl::Status& s);

}  // namespace caselink::server
