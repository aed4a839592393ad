// Finds personal identifiers written inside free text (a case's facts, a
// title, any string): 公民身份号码 (GB 11643), 统一社会信用代码 (GB 32100),
// mainland mobile numbers and bank-card numbers. The masker
// (auth/free_text_masker.h) decides what the caller sees of each.
//
// Promises:
// - One forward pass over the bytes; work is linear in the input, whatever it
//   holds (no regex, no backtracking: every candidate is at most 19 characters
//   and is checked once, when the run holding it ends). `ScanStats` counts it.
// - Works on UTF-8 code points; ASCII and full-width forms (０-９, Ａ-Ｚ, ａ-ｚ)
//   count alike, so mixed Chinese text is read as a clerk wrote it. Invalid
//   UTF-8 bytes are single non-alphanumeric code points (boundaries).
// - Whole runs only: a number is found only if the maximal run of digits
//   holding it is exactly that number (a run of 25 digits holds no phone), and
//   a credit code only if the maximal run of letters and digits is exactly it.
//   Letters or any other character next to a digit run are boundaries.
// - What counts (checked in this order, the first that fits wins):
//   ID_NUMBER    18 digits, or 17 digits followed by X/x, with a valid ISO
//                7064 MOD 11-2 check character; or 15 digits (the legacy
//                GB 11643-1989 number, which has no check character) whose
//                first digit is 1-8 and whose positions 7-12 are a real date
//                19YYMMDD.
//   CREDIT_CODE  an 18-character run of 0-9 and the letters of GB 32100
//                (no I O S V Z; lower case accepted), positions 3-8 digits
//                (the administrative division), with a valid check character.
//   MOBILE       11 digits 1[3-9]xxxxxxxxx, also when written after 86
//                (the run is then 13 digits "86…"; only the 11 are the match,
//                so "+86" stays visible).
//   BANK_CARD    16 to 19 digits passing the Luhn check.
// - Not found here (limits): numbers split by spaces, hyphens or other
//   separators ("138 1234 5678", "6222-0212-…"; the masker finds those by
//   scanning the text again with separators dropped, auth/free_text_masker.h),
//   numbers spelled in Chinese numerals, numbers glued to further digits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"

namespace caselink::auth {

// The classes of identifier; the numbering matches
// caselink.v1.FreeTextMasking.Detector.
enum class FreeTextClass : int {
  kIdNumber = 1,
  kCreditCode = 2,
  kMobile = 3,
  kBankCard = 4,
};

// One identifier found: bytes [begin, end) of the scanned text. `also` holds
// the other classes the same characters pass, as bits 1 << class (an 18-digit
// run can be an ID number, a credit code and a Luhn-valid card at once): the
// masker applies the strictest of their decisions, so the class a run was
// read as never decides alone, and equal digits get one decision everywhere.
struct FreeTextMatch {
  size_t begin = 0;
  size_t end = 0;
  FreeTextClass cls = FreeTextClass::kIdNumber;
  int also = 0;
};

// How much work a scan did: one step per code point read and per character
// examined by a check (for tests that prove the scan linear).
struct ScanStats {
  uint64_t steps = 0;
};

// Appends every identifier of `text` to `out`, in order, non-overlapping.
void ScanFreeText(absl::string_view text, std::vector<FreeTextMatch>* out,
                  ScanStats* stats = nullptr);

// The individual checks, on ASCII strings (exposed for tests).
// 18 characters: 17 digits and a check character 0-9 or X (x).
bool ValidIdNumber18(absl::string_view s);
// 15 digits: first digit 1-8, 19YYMMDD a real date.
bool ValidIdNumber15(absl::string_view s);
// 18 characters of the GB 32100 set with a valid check character.
bool ValidCreditCode(absl::string_view s);
// Digits only, Luhn check.
bool LuhnValid(absl::string_view digits);

}  // namespace caselink::auth
