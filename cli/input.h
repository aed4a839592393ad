// Reading what `caselink` is given: whole files, Case JSON, values on stdin.
// Stateless functions; thread-safe.
//
// Example:
//   absl::StatusOr<std::string> bytes = ReadWholeFile(path);
//   if (!bytes.ok()) return ReportUsageError(bytes.status().message());
//   absl::StatusOr<v1::Case> c = ParseCaseJson(path, *bytes);
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "caselink/v1/case.pb.h"

namespace caselink::cli {

// The bytes of the file at `path`. Errors: NOT_FOUND, PERMISSION_DENIED or
// INVALID_ARGUMENT, with a message naming the file and the reason.
absl::StatusOr<std::string> ReadWholeFile(absl::string_view path);

// Parses `json` (the content of the file `path`, named in errors) as a
// caselink.v1.Case. Accepts proto field names and lowerCamelCase names;
// unknown fields are an error. Errors: INVALID_ARGUMENT naming the file and
// the parse problem.
absl::StatusOr<v1::Case> ParseCaseJson(absl::string_view path,
                                       const std::string& json);

// `value` as given for `flag`, or, when it is "-", the next line of
// standard input without its line end. For identifiers (a 身份证号, a
// party's name): given on stdin they stay out of the command line, which
// every local user can read (ps, /proc) and the shell keeps in its
// history. INVALID_ARGUMENT naming the flag when stdin has no such line.
absl::StatusOr<std::string> FlagValueOrStdin(absl::string_view flag, const std::string& value);

}  // namespace caselink::cli
