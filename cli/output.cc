#include "output.h"

#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "caselink/status_details.h"
#include "caselink/v1/case.pb.h"

namespace caselink::cli {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Keeps an error on one line whatever the server put in its message.
std::string OneLine(absl::string_view text) {
  return absl::StrReplaceAll(text, {{"\r\n", " "}, {"\n", " "}, {"\r", " "}});
}

std::string CaseLine(const v1::Case& c) {
  return absl::StrJoin(
      std::vector<std::string>{
          c.case_id(), absl::StrCat("v", c.version()), c.owner_agency(),
          v1::Domain_Name(c.domain()), v1::CaseStatus_Name(c.status()),
          c.title()},
      "\t");
}

// One line per Case found at the top level of `message` (the case itself,
// or each case of a response), then "field: value" for its other set
// scalar fields (replayed, next_page_token, ...).
void PrintText(const Message& message) {
  if (const auto* c = dynamic_cast<const v1::Case*>(&message)) {
    std::cout << CaseLine(*c) << "\n";
    return;
  }
  const Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  std::vector<std::string> trailer;
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          PrintText(reflection->GetRepeatedMessage(message, field, i));
        }
      } else {
        PrintText(reflection->GetMessage(message, field));
      }
      continue;
    }
    std::string value;
    google::protobuf::TextFormat::PrintFieldValueToString(message, field, -1,
                                                          &value);
    trailer.push_back(absl::StrCat(field->name(), ": ", value));
  }
  for (const std::string& line : trailer) std::cout << line << "\n";
}

}  // namespace

void PrintMessage(const Message& message, OutputFormat format) {
  if (format == OutputFormat::kText) {
    PrintText(message);
    std::cout.flush();
    return;
  }
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = false;
  std::string json;
  // Printing a valid in-memory message cannot fail.
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  std::cout << json;
  if (json.empty() || json.back() != '\n') std::cout << "\n";
  std::cout.flush();
}

int ReportRpcError(const absl::Status& status) {
  std::cerr << "caselink: error: " << absl::StatusCodeToString(status.code())
            << ": " << OneLine(status.message());
  // The id the server logged the call under: what the operator needs to
  // find it (absent when the server was not reached).
  if (std::optional<std::string> id = RequestIdOf(status)) {
    std::cerr << " (request id " << OneLine(*id) << ")";
  }
  std::cerr << std::endl;
  return kExitRpcError;
}

int ReportUsageError(absl::string_view message) {
  std::cerr << "caselink: error: " << OneLine(message) << std::endl;
  return kExitUsage;
}

}  // namespace caselink::cli
