// Values given on the command line that several command groups check or
// convert the same way (commands_oversight.cc, commands_meeting.cc): days
// ("YYYY-MM-DD"), texts that must say something, TEXT|@FILE arguments,
// uploaded documents attached by id, and --state of item lists. Stateless; single-threaded, like the CLI.
//
// Example:
//   if (std::string e = DayError("--due", a.due); !e.empty()) return ReportUsageError(e);
//   absl::StatusOr<std::string> summary = TextOrFile("--summary", a.summary);
//   AddDocuments(a.documents, req.mutable_meeting()->mutable_materials());
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "caselink/v1/workflow.pb.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "enum_args.h"
#include "input.h"

namespace caselink::cli {

// "" when `value` is a real day written YYYY-MM-DD, else the error naming
// `flag` (e.g. `--due "2024-02-30" is not a day YYYY-MM-DD`).
inline std::string DayError(const std::string& flag, const std::string& value) {
  absl::CivilDay day;
  if (value.size() == 10 && absl::ParseCivilTime(value, &day) && absl::FormatCivilTime(day) == value) return "";
  return absl::StrCat(flag, " \"", value, "\" is not a day YYYY-MM-DD");
}

// "" when `value` has something besides blanks, else the error naming `flag`
// and saying what it is for.
inline std::string BlankError(const std::string& flag, const std::string& value, const std::string& what) {
  if (!absl::StripAsciiWhitespace(value).empty()) return "";
  return absl::StrCat(flag, " is empty; ", what);
}

// A TEXT|@FILE argument: the text itself, or the content of FILE when it
// starts with '@' ("@-": standard input). Errors: those of ReadWholeFile,
// naming `flag`.
inline absl::StatusOr<std::string> TextOrFile(const std::string& flag, const std::string& value) {
  if (value.empty() || value[0] != '@') return value;
  const std::string path = value == "@-" ? "/dev/stdin" : value.substr(1);
  absl::StatusOr<std::string> text = ReadWholeFile(path);
  if (!text.ok()) return absl::Status(text.status().code(), absl::StrCat(flag, ": ", text.status().message()));
  return text;
}

// Attaches uploaded documents (`caselink doc put ...`) by id; the server
// fills their kind, hash and name.
inline void AddDocuments(const std::vector<std::string>& ids,
                         google::protobuf::RepeatedPtrField<v1::Material>* materials) {
  for (const std::string& id : ids) materials->Add()->set_document_id(id);
}

// --state of a list of workflow items: "" leaves `req` unfiltered; else the
// state by its value name ("issued", "done-reported", "STATE_CLOSED", ...).
// False for an unknown state (or the unspecified one).
inline bool SetStateFilter(const std::string& text, v1::ListItemsRequest* req) {
  if (text.empty()) return true;
  v1::WorkflowState state;
  if (!ParseEnum<v1::WorkflowState>("STATE_", text, &v1::WorkflowState_Parse, &state) ||
      state == v1::STATE_UNSPECIFIED) {
    return false;
  }
  req->set_state(state);
  return true;
}

}  // namespace caselink::cli
