// LogField bounds what the access log copies from a request (purpose,
// purpose_case_ref, case_id): the value is made valid UTF-8 without control
// characters (each offending byte or character becomes U+FFFD) and cut to
// at most `max_chars` characters, with a visible marker saying how much was
// cut. A caller can never put more than a fixed number of bytes of its own
// into a permanent, hash-chained entry. Linear in the input; no allocation
// beyond the result.
//
// Example:
//   e.set_purpose(LogField(record.purpose, kPurposeChars));
//   // "核查…" + "…[truncated: 5000 bytes in all]" when it was longer
#pragma once

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace caselink::server {

// The marker that ends a cut value: "…[truncated: N bytes in all]".
inline constexpr absl::string_view kTruncatedMarker = "…[truncated: ";

std::string LogField(absl::string_view value, size_t max_chars);

}  // namespace caselink::server
