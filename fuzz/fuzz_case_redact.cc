// libFuzzer target fuzz_case_redact; the logic is in fuzz_entry_case_redact.cc.
#include "fuzz/fuzz_entry_common.h"
#include "fuzz/fuzz_entry_case_redact.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  caselink::fuzz::AbortOnViolation("fuzz_case_redact", caselink::fuzz::CaseRedactEntry(data, size));
  return 0;
}
