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

// The headers the reader understands, in the order of the example file.
std::vector<std::string> PenaltyLedgerHeaders();

}  // namespace caselink::cli
