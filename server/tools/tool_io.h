// How caselink-admin reads its input files and reports: one-line errors on
// stderr and the exit codes of the tool. Single-threaded, like the tool.
//
// Example:
//   absl::StatusOr<std::string> pem = ReadInputFile(args.public_key);
//   if (!pem.ok()) return ReportError(pem.status());
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace caselink::admin_tool {

// Exit codes of caselink-admin.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // the operation failed (restore, I/O)
inline constexpr int kExitUsage = 2;   // bad command line, file or input
inline constexpr int kExitBroken = 3;  // `audit verify`: the log is not intact

// The bytes of the file at `path`. Errors: NOT_FOUND naming the file and
// the reason (the file is missing, unreadable or a directory).
absl::StatusOr<std::string> ReadInputFile(const std::string& path);

// Writes "caselink-admin: error: message" (on one line) to stderr and
// returns `exit_code`.
int ReportError(const absl::Status& status, int exit_code = kExitUsage);

}  // namespace caselink::admin_tool
