// libFuzzer target fuzz_policy_parse; the logic is in fuzz_entry_policy_parse.cc.
#include "fuzz/fuzz_entry_common.h"
#include "fuzz/fuzz_entry_policy_parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  caselink::fuzz::AbortOnViolation("fuzz_policy_parse", caselink::fuzz::PolicyParseEntry(data, size));
  return 0;
}
