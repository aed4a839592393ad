// LogField bounds what the access log copies from a request (purpose,
// purpose_case_ref, the ids it names): the value is made valid UTF-8 without control
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
#include <vector>

#include "absl/strings/string_view.h"

namespace caselink::server {

// The marker that ends a cut value: "…[truncated: N bytes in all]".
inline constexpr absl::string_view kTruncatedMarker = "…[truncated: ";

std::string LogField(absl::string_view value, size_t max_chars);

// LogField for free text a caller writes into an entry (purpose,
// purpose_case_ref): every identifier the free-text scanner finds in it
// (auth/free_text_scanner.h: identity numbers, credit codes, mobile and card
// numbers) is masked first, in the default free-text shapes, because the
// log is permanent and names parties only by HMAC. The identity numbers and
// credit codes found are appended to `party_ids`, so the entry carries their
// HMACs and an auditor's PartyAccess finds it.
//
//   LogText("核查510181198503121235", 1000, &ids) == "核查510***********1235"
std::string LogText(absl::string_view value, size_t max_chars, std::vector<std::string>* party_ids);

// LogField for an id a caller named (a case, item or document id): an id of
// the server's own shape (storage/case_id.h) is copied as it is, because it
// is what WhoRead is asked and its date and random part, joined, can pass a
// number's check; anything else is read as LogText, so an identity number
// put where an id goes is masked and its party named as in a purpose.
//
//   LogId("C20241204-38123451ABCD", 64, &ids) == "C20241204-38123451ABCD"
//   LogId("510181198503121235", 64, &ids) == "510***********1235"
std::string LogId(absl::string_view value, size_t max_chars, std::vector<std::string>* party_ids);

}  // namespace caselink::server
