#include "server/core/log_field.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "auth/free_text_masker.h"

namespace caselink::server {
namespace {

constexpr absl::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence at s[i], or 0 if it is not one
// (overlong forms, surrogates and values above U+10FFFF are not valid).
size_t Utf8Length(absl::string_view s, size_t i, uint32_t* cp) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  size_t n;
  uint32_t v;
  if (c < 0x80) {
    *cp = c;
    return 1;
  } else if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    v = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    v = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    v = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    v = (v << 6) | (b(k) & 0x3F);
  }
  if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
      (v >= 0xD800 && v <= 0xDFFF)) {
    return 0;
  }
  *cp = v;
  return n;
}

bool IsControl(uint32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

}  // namespace

std::string LogField(absl::string_view value, size_t max_chars) {
  std::string out;
  out.reserve(std::min(value.size(), max_chars * 4));
  size_t chars = 0;
  size_t i = 0;
  while (i < value.size()) {
    if (chars == max_chars) {
      absl::StrAppend(&out, kTruncatedMarker, value.size(), " bytes in all]");
      return out;
    }
    uint32_t cp = 0;
    const size_t n = Utf8Length(value, i, &cp);
    if (n == 0 || IsControl(cp)) {
      out.append(kReplacement.data(), kReplacement.size());
      i += n == 0 ? 1 : n;
    } else {
      out.append(value.data() + i, n);
      i += n;
    }
    ++chars;
  }
  return out;
}

std::string LogText(absl::string_view value, size_t max_chars, std::vector<std::string>* party_ids) {
  static const auth::FreeTextMasker* const kMasker = new auth::FreeTextMasker();
  // Read as a caller allowed everything, only to name the parties...
  std::string unused;
  kMasker->Apply(value, [](v1::Sensitivity) { return v1::ALLOW; }, &unused, party_ids);
  // ...then masked, before the value is cut: a number cut in two would no
  // longer be found.
  std::string masked;
  if (kMasker->Apply(value, [](v1::Sensitivity) { return v1::MASK; }, &masked)) return LogField(masked, max_chars);
  return LogField(value, max_chars);
}

}  // namespace caselink::server
