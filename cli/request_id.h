// The default request_id of `caselink submit`: derived from what is
// submitted, so re-running the same command is idempotent. Thread-safe.
//
// Example:
//   std::string id = DeriveRequestId(file_bytes, expected_version);
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace caselink::cli {

// Lowercase hex SHA-256 (64 characters) of the file's bytes, a NUL byte and
// the decimal expected_version. Same file + same version => same id, so the
// server answers a re-run with the first result (replayed) instead of
// storing again; any change to either gives a new id.
std::string DeriveRequestId(absl::string_view file_bytes,
                            int64_t expected_version);

}  // namespace caselink::cli
