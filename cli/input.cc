#include "input.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "caselink_common/read_file.h"

namespace caselink::cli {

absl::StatusOr<std::string> ReadWholeFile(absl::string_view path) { return ReadFileOr(path); }

absl::StatusOr<v1::Case> ParseCaseJson(absl::string_view path,
                                       const std::string& json) {
  v1::Case c;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(json, &c, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", path, "\" is not a valid caselink.v1.Case in JSON: ",
                     std::string(status.message())));
  }
  return c;
}

absl::StatusOr<std::string> FlagValueOrStdin(absl::string_view flag, const std::string& value) {
  if (value != "-") return value;
  std::string line;
  if (!std::getline(std::cin, line)) {
    return absl::InvalidArgumentError(absl::StrCat(flag, " -: no line to read on standard input"));
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return absl::InvalidArgumentError(absl::StrCat(flag, " -: the line read on standard input is empty"));
  return line;
}

}  // namespace caselink::cli
