// libFuzzer target fuzz_free_text; the logic is in fuzz_entry_free_text.cc.
#include "fuzz/fuzz_entry_common.h"
#include "fuzz/fuzz_entry_free_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  caselink::fuzz::AbortOnViolation("fuzz_free_text", caselink::fuzz::FreeTextEntry(data, size));
  return 0;
}
