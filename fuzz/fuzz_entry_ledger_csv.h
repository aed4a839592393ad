// Entry function of the fuzz_ledger_csv target (see fuzz_entry_common.h).
// cli::ParseCsv and cli::ParsePenaltyLedger must never crash; every record,
// case and problem line number is >= 1 and <= number of lines + 1.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace caselink::fuzz {

// "" if every invariant held, else what was violated.
std::string LedgerCsvEntry(const uint8_t* data, size_t size);

}  // namespace caselink::fuzz
