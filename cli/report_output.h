// How `caselink report` and `caselink campaign summary` hand over a report:
// in the format asked for (table, csv or html rendered by the caller's
// functions; json the message itself, field names as in the .proto), to
// stdout or, with --out, to a file. One place for both commands.
#pragma once

#include <functional>
#include <string>

#include <google/protobuf/message.h>

namespace caselink::cli {

struct ReportRenderers {
  std::function<std::string()> table, csv, html;
};

// Usage error naming the format unless it is table, csv, html or json.
bool IsReportFormat(const std::string& format);
inline constexpr const char kReportFormats[] = "table, csv, html or json";

// Writes the rendered report; returns the exit code (output.h). `what` names
// it in the confirmation on stderr ("report written to FILE").
int EmitReport(const google::protobuf::Message& message, const std::string& format, const std::string& out,
               const ReportRenderers& render, const std::string& what);

}  // namespace caselink::cli
