// Collects the errors of protobuf's text-format parser as
// "FILE:LINE:COL: reason" lines (1-based), the form every caselink file
// problem is reported in (configuration, policy). Warnings count as errors.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/tokenizer.h"

namespace caselink {

class TextFormatErrors : public google::protobuf::io::ErrorCollector {
 public:
  explicit TextFormatErrors(std::string file) : file_(std::move(file)) {}
  void AddError(int line, int column, const std::string& message) override {
    errors.push_back(absl::StrCat(file_, ":", line + 1, ":", column + 1, ": ", message));
  }
  void AddWarning(int line, int column, const std::string& message) override {
    AddError(line, column, message);
  }
  std::vector<std::string> errors;

 private:
  std::string file_;
};

}  // namespace caselink
