// Entry function of the fuzz_free_text target (see fuzz_entry_common.h).
// The input's first byte chooses the caller's decision for PERSONAL and
// PERSONAL_ID (ALLOW, MASK or DENY each); the rest is the text, any bytes.
// It goes through auth::ScanFreeText and auth::FreeTextMasker with the
// default detectors. Invariants: matches are ordered, disjoint, inside the
// text, whole runs (no digit or, for credit codes, letter touching them) and
// pass their class's check; the scan's work is linear (at most 2 steps per
// byte + 40 per match-sized run); masking keeps valid UTF-8 valid, returns the
// text unchanged when everything is ALLOWed, and no identifier the caller
// may not see in full is found again in its output.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace caselink::fuzz {

// "" if every invariant held, else what was violated.
std::string FreeTextEntry(const uint8_t* data, size_t size);

}  // namespace caselink::fuzz
