// Shared by the libFuzzer mains (fuzz/fuzz_<target>.cc). Each target's logic
// is an entry function in fuzz/fuzz_entry_<target>.cc/h that takes one input,
// runs it through the code under test and returns "" or a description of a
// violated invariant. The fuzzers abort on a non-empty answer;
// tests/fuzz_regressions_test.cc (built without libFuzzer) feeds the seed
// corpora and fuzz/regressions/ through the same functions.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace caselink::fuzz {

// Reports a violation and aborts so libFuzzer saves the input as a crash.
inline void AbortOnViolation(const char* target, const std::string& violation) {
  if (violation.empty()) return;
  std::fprintf(stderr, "%s: invariant violated: %s\n", target, violation.c_str());
  std::abort();
}

}  // namespace caselink::fuzz
