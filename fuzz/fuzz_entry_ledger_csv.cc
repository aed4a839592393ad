#include "fuzz/fuzz_entry_ledger_csv.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "cli/csv_reader.h"
#include "cli/ledger_csv.h"
#include "cli/supervision_ledger_csv.h"

namespace caselink::fuzz {
namespace {

std::string CheckLine(const char* what, int line, int max_line) {
  if (line < 1 || line > max_line) {
    return absl::StrCat(what, " line ", line, " outside [1, ", max_line, "]");
  }
  return "";
}

}  // namespace

std::string LedgerCsvEntry(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  // Lines ended by LF, CRLF or a lone CR (the reader accepts all three); +1
  // allows a problem reported "at the end of the file".
  int lines = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) {
      ++lines;
    }
  }
  const int max_line = lines + 1;

  auto records = cli::ParseCsv(text);
  if (records.ok()) {
    int previous = 0;
    for (const cli::CsvRecord& r : *records) {
      std::string v = CheckLine("record", r.line, max_line);
      if (!v.empty()) return v;
      if (r.line <= previous) {
        return absl::StrCat("record lines not increasing: ", previous, " then ", r.line);
      }
      previous = r.line;
    }
  }

  // Both ledgers (行政处罚台账, 检察监督台账): every row and problem they report
  // names a line of the file.
  auto check = [&](const auto& ledger) -> std::string {
    if (!ledger.ok()) return "";
    for (const auto& e : ledger->entries) {
      std::string v = CheckLine("entry", e.line, max_line);
      if (!v.empty()) return v;
    }
    for (const cli::LedgerProblem& p : ledger->problems) {
      std::string v = CheckLine("problem", p.line, max_line);
      if (!v.empty()) return absl::StrCat(v, " (", p.reason, ")");
    }
    return "";
  };
  std::string v = check(cli::ParsePenaltyLedger(text));
  if (!v.empty()) return v;
  return check(cli::ParseSupervisionLedger(text));
}

}  // namespace caselink::fuzz
