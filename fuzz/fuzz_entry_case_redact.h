// Entry function of the fuzz_case_redact target (see fuzz_entry_common.h).
// The input is a serialized caselink.v1.SubmitCaseRequest (text format when
// the first byte is '#'). It goes through server::ValidateSubmitCase,
// auth::CheckWritable and auth::RedactMessage with the example policy's plans
// for several agencies. Invariants: a masked 身份证号 / credit code never equals
// the original (>= 2 code points); a town never sees another agency's case;
// a town may not set the major flag.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace caselink::fuzz {

// "" if every invariant held, else what was violated.
std::string CaseRedactEntry(const uint8_t* data, size_t size);

}  // namespace caselink::fuzz
