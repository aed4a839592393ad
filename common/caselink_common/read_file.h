// ReadWholeFile: a file's bytes, whole, or false if it cannot be opened;
// ReadFileOr: the same with an error a person can act on.
// Shared by every layer that reads keys, certificates and configuration, so
// there is one way to read them (binary, no size limit: these files are small
// and chosen by the operator).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace caselink {

inline bool ReadWholeFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

// The file's bytes, or NOT_FOUND / PERMISSION_DENIED / INVALID_ARGUMENT
// saying `cannot read <what> file "<path>": <reason>` (`cannot read "<path>":
// <reason>` when `what` is empty). The one way the CLI and the client library
// read files a person named.
absl::StatusOr<std::string> ReadFileOr(absl::string_view path, absl::string_view what = "");

}  // namespace caselink
