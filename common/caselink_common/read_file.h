// ReadWholeFile: a file's bytes, whole, or false if it cannot be opened.
// Shared by every layer that reads keys, certificates and configuration, so
// there is one way to read them (binary, no size limit: these files are small
// and chosen by the operator).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace caselink {

inline bool ReadWholeFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

}  // namespace caselink
