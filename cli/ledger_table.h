// What every ledger file shares, whichever ledger it is (行政处罚台账,
// 检察监督台账): a header row naming columns in any order (each column known
// by several spellings), rows read by column, a problem per bad row with its
// line number, and the date spellings clerks use. The ledger-specific readers
// (ledger_csv.h, supervision_ledger_csv.h) only map a row to a request.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace caselink::cli {

// One column a ledger reader understands.
struct LedgerColumn {
  int col;                         // the reader's index for it
  bool required;
  std::vector<const char*> names;  // first is the documented header
};

// A data row: its line, and its fields by LedgerColumn::col (trimmed; empty
// when the file has no such column).
struct LedgerRow {
  int line = 0;
  std::vector<std::string> f;
};

// A row that could not be taken, and why.
struct LedgerProblem {
  int line = 0;
  std::string reason;
};

// One entry read from a ledger: the line of its (first) row, its key in the
// ledger (案号, 文书号: what makes a re-import idempotent) and what it becomes.
template <class Content>
struct LedgerEntry {
  int line = 0;
  std::string key;
  Content content;
};

// What a ledger reader made of a file: the entries, and the rows it refused.
template <class Content>
struct ParsedLedger {
  std::vector<LedgerEntry<Content>> entries;
  std::vector<LedgerProblem> problems;
};

// Reads `csv` (see csv_reader.h) and maps its header to `columns` (col values
// 0..column_count-1). InvalidArgument for broken CSV, an empty file, or a
// header missing required columns (naming them and `ledger_name`, e.g.
// "行政处罚台账").
absl::StatusOr<std::vector<LedgerRow>> ReadLedgerRows(absl::string_view csv,
                                                      const std::vector<LedgerColumn>& columns,
                                                      int column_count, absl::string_view ledger_name);

// The documented headers (first spelling of each column), in `columns` order.
std::vector<std::string> LedgerHeaders(const std::vector<LedgerColumn>& columns);

// "2024-04-01", "2024/4/1", "2024.4.1" or "2024年4月1日" -> "2024-04-01".
bool ParseLedgerDate(const std::string& s, std::string* out);

}  // namespace caselink::cli
