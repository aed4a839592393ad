// Reading a 行政处罚台账 (administrative-penalty ledger) exported as CSV with
// the Chinese column headers agencies use (docs/ledger-format.md) into Case
// messages. Bad rows are reported with their line number and reason and do
// not stop the good ones; only a file that is not a ledger at all (missing
// required columns, broken CSV) is an error.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "caselink/v1/case.pb.h"
#include "ledger_table.h"

namespace caselink::cli {

// A case: key = 案号 (the agency's own case number), content = the Case.
using LedgerCase = LedgerEntry<v1::Case>;
using Ledger = ParsedLedger<v1::Case>;

// Rows with the same 案号 describe one case with several parties: the first
// row gives the case, the following ones add their party.
absl::StatusOr<Ledger> ParsePenaltyLedger(absl::string_view csv);

// The headers the reader understands: those of the example file in its
// order, then 立案日期, 法律依据条款 and the CaseFacts columns.
std::vector<std::string> PenaltyLedgerHeaders();

// A column of measured facts (Case.measured_facts): the CaseFacts field it
// fills, by name, and its headers (the first is the documented one). One
// reader applies the table through reflection, by the field's type: an int64
// whose name ends in _fen is an amount in 元 (to fen, exactly), another int64
// a whole number (count, kg, percent, hours), a bool 是/否, an enum a Chinese
// spelling or the value's name. An empty cell leaves the field unset.
struct FactColumn {
  const char* field;
  std::vector<const char*> names;
};

// One column per CaseFacts field, in field order.
const std::vector<FactColumn>& CaseFactsColumns();

}  // namespace caselink::cli
