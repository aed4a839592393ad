#include "ledger_table.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "csv_reader.h"

namespace caselink::cli {

absl::StatusOr<std::vector<LedgerRow>> ReadLedgerRows(absl::string_view csv,
                                                      const std::vector<LedgerColumn>& columns,
                                                      int column_count, absl::string_view ledger_name) {
  absl::StatusOr<std::vector<CsvRecord>> records = ParseCsv(csv);
  if (!records.ok()) return records.status();
  if (records->empty()) return absl::InvalidArgumentError("the file is empty; expected a header row");
  std::vector<int> index(column_count, -1);
  const CsvRecord& header = records->front();
  for (size_t i = 0; i < header.fields.size(); ++i) {
    std::string h(absl::StripAsciiWhitespace(header.fields[i]));
    for (const LedgerColumn& c : columns) {
      for (const char* n : c.names) {
        if (h == n && index[c.col] < 0) index[c.col] = static_cast<int>(i);
      }
    }
  }
  std::vector<std::string> missing;
  for (const LedgerColumn& c : columns) {
    if (c.required && index[c.col] < 0) missing.push_back(c.names[0]);
  }
  if (!missing.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "line ", header.line, ": not a ", ledger_name, ": missing column(s) ", absl::StrJoin(missing, ", "),
        " (see docs/ledger-format.md)"));
  }
  std::vector<LedgerRow> rows;
  for (size_t r = 1; r < records->size(); ++r) {
    const CsvRecord& rec = (*records)[r];
    LedgerRow row;
    row.line = rec.line;
    row.f.resize(column_count);
    for (int c = 0; c < column_count; ++c) {
      if (index[c] >= 0 && index[c] < static_cast<int>(rec.fields.size())) {
        row.f[c] = std::string(absl::StripAsciiWhitespace(rec.fields[index[c]]));
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<std::string> LedgerHeaders(const std::vector<LedgerColumn>& columns) {
  std::vector<std::string> out;
  for (const LedgerColumn& c : columns) out.push_back(c.names[0]);
  return out;
}

bool ParseLedgerDate(const std::string& s, std::string* out) {
  std::string t = absl::StrReplaceAll(s, {{"年", "-"}, {"月", "-"}, {"日", ""}, {"/", "-"}, {".", "-"}});
  std::vector<std::string> p = absl::StrSplit(absl::StripAsciiWhitespace(t), '-');
  int y, m, d;
  if (p.size() != 3 || !absl::SimpleAtoi(p[0], &y) || !absl::SimpleAtoi(p[1], &m) ||
      !absl::SimpleAtoi(p[2], &d) || y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31) {
    return false;
  }
  *out = absl::StrFormat("%04d-%02d-%02d", y, m, d);
  return true;
}

}  // namespace caselink::cli
