#include "fuzz/fuzz_entry_free_text.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "auth/free_text_masker.h"
#include "auth/free_text_scanner.h"

namespace caselink::fuzz {
namespace {

using auth::FreeTextClass;
using auth::FreeTextMatch;

// An independent reading of one code point at `i`: its normalised ASCII
// letter or digit (upper case), or 0; `len` is how many bytes it takes.
char Normalised(const std::string& s, size_t i, size_t* len) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  *len = 1;
  if (c >= '0' && c <= '9') return static_cast<char>(c);
  if (c >= 'A' && c <= 'Z') return static_cast<char>(c);
  if (c >= 'a' && c <= 'z') return static_cast<char>(c - 32);
  if (c == 0xEF && i + 2 < s.size()) {
    // U+FF10..FF19, U+FF21..FF3A, U+FF41..FF5A
    const unsigned cp = 0xF000u | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
                        (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
    if ((static_cast<unsigned char>(s[i + 1]) & 0xC0) != 0x80 ||
        (static_cast<unsigned char>(s[i + 2]) & 0xC0) != 0x80) {
      return 0;
    }
    const unsigned full = cp | 0xF000u;
    if (full >= 0xFF10 && full <= 0xFF19) { *len = 3; return static_cast<char>('0' + full - 0xFF10); }
    if (full >= 0xFF21 && full <= 0xFF3A) { *len = 3; return static_cast<char>('A' + full - 0xFF21); }
    if (full >= 0xFF41 && full <= 0xFF5A) { *len = 3; return static_cast<char>('A' + full - 0xFF41); }
  }
  return 0;
}

// The normalised characters of s[begin, end), or "" if some byte of it is
// not a letter or digit.
std::string Span(const std::string& s, size_t begin, size_t end) {
  std::string out;
  for (size_t i = begin; i < end;) {
    size_t len;
    const char c = Normalised(s, i, &len);
    if (c == 0) return "";
    out.push_back(c);
    i += len;
  }
  return out;
}

// The normalised code point just before byte `at` (0 if none or not alnum);
// `len` is its length in bytes.
char Before(const std::string& s, size_t at, size_t* len = nullptr) {
  size_t l = 1;
  char c = 0;
  if (at >= 3) {
    c = Normalised(s, at - 3, &l);
    if (c == 0 || l != 3) c = 0;
  }
  if (c == 0 && at >= 1) {
    c = Normalised(s, at - 1, &l);
    if (l != 1) c = 0;
    l = 1;
  }
  if (len != nullptr) *len = l;
  return c;
}

char After(const std::string& s, size_t at) {
  if (at >= s.size()) return 0;
  size_t len;
  return Normalised(s, at, &len);
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string CheckMatch(const std::string& text, const FreeTextMatch& m) {
  const std::string v = Span(text, m.begin, m.end);
  if (v.empty()) return "a match holds a character that is no letter or digit";
  const char before = Before(text, m.begin);
  const char after = After(text, m.end);
  switch (m.cls) {
    case FreeTextClass::kIdNumber:
      if (!auth::ValidIdNumber18(v) && !auth::ValidIdNumber15(v)) return "ID_NUMBER fails its check: " + v;
      if (IsDigit(before) || (IsDigit(after) && v.back() != 'X')) return "ID_NUMBER inside a longer digit run";
      return "";
    case FreeTextClass::kCreditCode:
      if (!auth::ValidCreditCode(v)) return "CREDIT_CODE fails its check: " + v;
      if (before != 0 || after != 0) return "CREDIT_CODE inside a longer alphanumeric run";
      return "";
    case FreeTextClass::kMobile:
      if (v.size() != 11 || v[0] != '1' || v[1] < '3' || v[1] > '9') return "MOBILE is not a mobile: " + v;
      for (char c : v) if (!IsDigit(c)) return "MOBILE with a letter";
      if (IsDigit(after)) return "MOBILE followed by a digit";
      if (IsDigit(before)) {
        // Only a country code 86, itself not preceded by a digit.
        size_t l1, l2;
        const char c1 = Before(text, m.begin, &l1);
        const char c2 = m.begin >= l1 ? Before(text, m.begin - l1, &l2) : 0;
        const char c0 = (c2 != 0 && m.begin >= l1 + l2) ? Before(text, m.begin - l1 - l2) : 0;
        if (c1 != '6' || c2 != '8' || IsDigit(c0)) return "MOBILE inside a longer digit run";
      }
      return "";
    case FreeTextClass::kBankCard:
      if (v.size() < 16 || v.size() > 19 || !auth::LuhnValid(v)) return "BANK_CARD fails Luhn: " + v;
      if (IsDigit(before) || IsDigit(after)) return "BANK_CARD inside a longer digit run";
      return "";
  }
  return "unknown class";
}

bool ValidUtf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

v1::FieldAction ActionOf(int bits) {
  switch (bits & 3) {
    case 0: return v1::ALLOW;
    case 1: return v1::MASK;
    default: return v1::DENY;
  }
}

}  // namespace

std::string FreeTextEntry(const uint8_t* data, size_t size) {
  if (size == 0) return "";
  const v1::FieldAction personal = ActionOf(data[0]);
  const v1::FieldAction personal_id = ActionOf(data[0] >> 2);
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);

  std::vector<FreeTextMatch> matches;
  auth::ScanStats stats;
  auth::ScanFreeText(text, &matches, &stats);
  if (stats.steps > 3 * text.size()) {
    return absl::StrCat("scan took ", stats.steps, " steps for ", text.size(), " bytes");
  }
  size_t prev_end = 0;
  for (const FreeTextMatch& m : matches) {
    if (m.begin < prev_end || m.begin >= m.end || m.end > text.size()) {
      return "matches out of order, overlapping or outside the text";
    }
    prev_end = m.end;
    std::string bad = CheckMatch(text, m);
    if (!bad.empty()) return bad;
  }

  static const auth::FreeTextMasker* masker = new auth::FreeTextMasker();
  auto decide = [&](v1::Sensitivity s) {
    return s == v1::PERSONAL ? personal : s == v1::PERSONAL_ID ? personal_id : v1::DENY;
  };
  // What the caller may see of a match: the stricter of its classes.
  auto shown = [&](const FreeTextMatch& m) {
    auto of = [&](int cls) {
      return decide((cls == 1 || cls == 2) ? v1::PERSONAL_ID : v1::PERSONAL);
    };
    if (of(static_cast<int>(m.cls)) != v1::ALLOW) return false;
    for (int c = 1; c <= 4; ++c) {
      if ((m.also & (1 << c)) != 0 && of(c) != v1::ALLOW) return false;
    }
    return true;
  };
  std::string out;
  const bool changed = masker->Apply(text, decide, &out);
  if (!changed) {
    for (const FreeTextMatch& m : matches) {
      if (!shown(m)) return "an identifier the caller may not see was left unchanged";
    }
    return "";
  }
  if (personal == v1::ALLOW && personal_id == v1::ALLOW) return "ALLOW for every class changed the text";
  if (ValidUtf8(text) && !ValidUtf8(out)) return "masking broke valid UTF-8";
  // No identifier the caller may not see survives: a rescan of the output
  // finds none of them. (Masking can make new runs end at a mask character,
  // and such a fragment may pass a check by chance, e.g. 18 characters
  // before a mask passing GB 32100; that reveals nothing the input did not
  // show, so only the hidden values themselves are looked for.)
  std::vector<std::string> hidden;
  for (const FreeTextMatch& m : matches) {
    if (!shown(m)) hidden.push_back(Span(text, m.begin, m.end));
  }
  std::vector<FreeTextMatch> again;
  auth::ScanFreeText(out, &again);
  for (const FreeTextMatch& m : again) {
    const std::string v = Span(out, m.begin, m.end);
    for (const std::string& h : hidden) {
      if (v == h) return absl::StrCat("masked output still holds a hidden identifier at byte ", m.begin);
    }
  }
  return "";
}

}  // namespace caselink::fuzz
