// libFuzzer target fuzz_request_validate; the logic is in fuzz_entry_request_validate.cc.
#include "fuzz/fuzz_entry_common.h"
#include "fuzz/fuzz_entry_request_validate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  caselink::fuzz::AbortOnViolation("fuzz_request_validate",
                                   caselink::fuzz::RequestValidateEntry(data, size));
  return 0;
}
