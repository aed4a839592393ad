// libFuzzer target fuzz_ledger_csv; the logic is in fuzz_entry_ledger_csv.cc.
#include "fuzz/fuzz_entry_common.h"
#include "fuzz/fuzz_entry_ledger_csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  caselink::fuzz::AbortOnViolation("fuzz_ledger_csv", caselink::fuzz::LedgerCsvEntry(data, size));
  return 0;
}
