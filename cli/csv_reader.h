// A strict RFC 4180 CSV reader for the ledgers agencies export from their
// spreadsheets: UTF-8 (a leading BOM is skipped), quoted fields with "" escapes
// and embedded line breaks, CRLF or LF. Each record carries the line number
// it starts on, so problems can be reported where a clerk will look.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace caselink::cli {

struct CsvRecord {
  int line = 0;  // 1-based line where the record starts
  std::vector<std::string> fields;
};

// Parses all records. InvalidArgument naming the line for an unterminated
// quote or a quote in the middle of an unquoted field. Blank lines are skipped.
absl::StatusOr<std::vector<CsvRecord>> ParseCsv(absl::string_view text);

}  // namespace caselink::cli
