// CreatePrivateFile: makes `path` an empty file that only its owner may read
// or write (0600), unless it exists already: then its contents and mode stay
// as they are (whoever made it chose them). For files that hold what the
// access log guards — an export of the log, a downloaded document, a report —
// which the process's umask (often 022) would otherwise leave readable by
// every local user. Call it before opening the file for writing.
//
// Example:
//   CASELINK_RETURN_IF_ERROR(CreatePrivateFile(out_path));
//   std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
#pragma once

#include <string>

#include "absl/status/status.h"

namespace caselink {

// OK, or PERMISSION_DENIED / NOT_FOUND / UNAVAILABLE saying
// `cannot create "<path>": <reason>`.
absl::Status CreatePrivateFile(const std::string& path);

}  // namespace caselink
