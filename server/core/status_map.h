// The one place where absl::Status becomes grpc::Status. The codes are the
// same numbers. A message written for the caller (a field, a rule, a state)
// is kept as is; a failure inside the server — the storage's own error
// (storage::IsStorageError), DATA_LOSS, INTERNAL, UNKNOWN — is told to the
// caller by its code, the operation and what to do, never by its text: that
// holds the database's file paths and RocksDB internals, which are the
// operator's, in the server's log line of the call (same request id).
#pragma once

#include <string>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace caselink::server {

grpc::Status ToGrpc(const absl::Status& s);

// The message ToGrpc sends for `s`.
std::string CallerMessage(const absl::Status& s);

}  // namespace caselink::server
