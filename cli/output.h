// How `caselink` writes results (stdout) and errors (stderr, one line).
// Single-threaded, like the CLI.
//
// Example:
//   absl::StatusOr<v1::Case> c = client->GetCase(req);
//   if (!c.ok()) return ReportRpcError(c.status());
//   PrintMessage(*c, ctx.globals.output);
//   return kExitOk;
#pragma once

#include <google/protobuf/message.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace caselink::cli {

// Exit codes of the `caselink` binary.
inline constexpr int kExitOk = 0;
inline constexpr int kExitRpcError = 1;  // the server (or the network) failed
inline constexpr int kExitUsage = 2;     // bad command line, file or input

enum class OutputFormat {
  kJson,  // pretty JSON, proto field names, default values omitted
  kText,  // compact human view, one line per case
};

// Writes `message` to stdout in `format`, followed by a newline.
void PrintMessage(const google::protobuf::Message& message,
                  OutputFormat format);

// Writes "caselink: error: CODE: message (request id ID)" to stderr, the
// part in parentheses when the status carries the server's request id
// (caselink::RequestIdOf); returns kExitRpcError.
int ReportRpcError(const absl::Status& status);

// Writes "caselink: error: message" to stderr; returns kExitUsage.
int ReportUsageError(absl::string_view message);

}  // namespace caselink::cli
