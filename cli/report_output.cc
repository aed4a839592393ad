#include "report_output.h"

#include <cstdio>
#include <fstream>

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "caselink_common/private_file.h"
#include "output.h"

namespace caselink::cli {

bool IsReportFormat(const std::string& format) {
  return format == "table" || format == "csv" || format == "html" || format == "json";
}

int EmitReport(const google::protobuf::Message& message, const std::string& format, const std::string& out,
               const ReportRenderers& render, const std::string& what) {
  std::string text;
  if (format == "json") {
    google::protobuf::util::JsonPrintOptions options;
    options.add_whitespace = true;
    options.preserve_proto_field_names = true;
    if (!google::protobuf::util::MessageToJsonString(message, &text, options).ok()) {
      return ReportUsageError(absl::StrCat("the ", what, " cannot be written as JSON"));
    }
  } else {
    text = format == "csv" ? render.csv() : format == "html" ? render.html() : render.table();
  }
  if (out.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return kExitOk;
  }
  // Reports list cases by title, which often names a party: the owner's alone.
  if (absl::Status made = CreatePrivateFile(out); !made.ok()) {
    return ReportUsageError(absl::StrCat(out, ": cannot write the ", what, ": ", made.message()));
  }
  std::ofstream file(out, std::ios::binary | std::ios::trunc);
  file.write(text.data(), static_cast<std::streamsize>(text.size()));
  file.close();
  if (!file) return ReportUsageError(absl::StrCat(out, ": cannot write the ", what));
  std::fprintf(stderr, "%s written to %s\n", what.c_str(), out.c_str());
  return kExitOk;
}

}  // namespace caselink::cli
