// Check-character validation of party identity numbers, so a mistyped
// number is refused where it enters instead of silently failing to match.
//   身份证号 (citizen ID): GB 11643-1999, ISO 7064 MOD 11-2.
//   统一社会信用代码 (unified social credit code): GB 32100-2015, MOD 31.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "caselink/v1/case.pb.h"

namespace caselink::server {

// 18 characters: 17 digits and a check character 0-9 or X, with a plausible
// birth date (YYYYMMDD at positions 7-14).
bool IsValidResidentId(absl::string_view id);

// 18 characters of 0-9 and A-Z without I, O, S, V, Z, the last a check
// character.
bool IsValidCreditCode(absl::string_view code);

// The form under which a party id is indexed, searched and hashed for the
// access log: surrounding whitespace removed, letters upper-cased (the check
// character X of a 身份证号, the letters of a 统一社会信用代码), so
// "510…123x " and "510…123X" are one party everywhere.
std::string NormalizePartyId(absl::string_view id);

// The identity numbers (身份证号, 统一社会信用代码) of a case's parties, as
// stored (for the access log's party HMACs); empty ones are skipped.
std::vector<std::string> PartyIdsOf(const v1::Case& c);

}  // namespace caselink::server
