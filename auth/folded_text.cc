#include "auth/folded_text.h"

#include <cstdint>

#include "caselink_common/utf8.h"

namespace caselink::auth {
namespace {

// Written inside a value to space it out, never part of it.
bool IsSeparator(uint32_t cp) {
  switch (cp) {
    case ' ': case '\t': case '\n': case '\r': case '\v': case '\f': case '-': case '_': case '.':
    case 0x00A0:  // no-break space
    case 0x00AD:  // soft hyphen
    case 0x00B7:  // middle dot (阿卜杜·热合曼)
    case 0x200B: case 0x200C: case 0x200D: case 0x2060: case 0xFEFF:  // zero-width
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015:  // dashes
    case 0x2212:  // minus
    case 0x3000:  // ideographic space
    case 0x30FB:  // katakana middle dot
    case 0xFF0D:  // full-width hyphen-minus
    case 0xFF0E:  // full-width full stop
    case 0xFF3F:  // full-width low line
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;  // the typographic spaces
  }
}

// The ASCII a full-width form stands for, ASCII letters in lower case; 0 if
// the code point is kept as it is.
char FoldAscii(uint32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;
  if (cp >= 'A' && cp <= 'Z') return static_cast<char>(cp - 'A' + 'a');
  return cp < 0x80 ? static_cast<char>(cp) : 0;
}

// Calls emit(bytes, original begin, original end) for each folded piece.
template <class Emit>
void FoldEach(absl::string_view text, Emit emit) {
  for (size_t at = 0; at < text.size();) {
    uint32_t cp = 0;
    const size_t len = Utf8SequenceLength(text, at, &cp);
    if (len == 0) {  // not UTF-8: the byte as it is
      emit(text.substr(at, 1), at, at + 1);
      ++at;
      continue;
    }
    if (!IsSeparator(cp)) {
      const char ascii = FoldAscii(cp);
      emit(ascii != 0 ? absl::string_view(&ascii, 1) : text.substr(at, len), at, at + len);
    }
    at += len;
  }
}

// The length of the code point at `at` if it folds to itself, else 0 (it
// changes, or is not UTF-8). Runs over every text a hidden value is looked
// for in, so the common cases (ASCII, the CJK ideographs U+4E00–U+9FFF) are
// decided from the lead byte.
size_t KeptLength(absl::string_view s, size_t at) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = byte(at);
  if (c < 0x80) return IsSeparator(c) || (c >= 'A' && c <= 'Z') ? 0 : 1;
  if (c >= 0xE4 && c <= 0xE9) {
    return at + 2 < s.size() && (byte(at + 1) & 0xC0) == 0x80 && (byte(at + 2) & 0xC0) == 0x80 ? 3 : 0;
  }
  uint32_t cp = 0;
  const size_t len = Utf8SequenceLength(s, at, &cp);
  if (len == 0 || IsSeparator(cp) || FoldAscii(cp) != 0) return 0;
  return len;
}

}  // namespace

FoldedText::FoldedText(absl::string_view text) {
  size_t same = 0;  // the prefix that folds to itself
  while (same < text.size()) {
    const size_t len = KeptLength(text, same);
    if (len == 0) break;
    same += len;
  }
  if (same == text.size()) {
    folded_ = text;
    return;
  }
  same_ = false;
  storage_.reserve(text.size());
  storage_.assign(text.data(), same);
  begin_.reserve(text.size());
  end_.reserve(text.size());
  for (size_t i = 0; i < same; ++i) {
    begin_.push_back(i);
    end_.push_back(i + 1);  // matches end on code point boundaries
  }
  FoldEach(text.substr(same), [&](absl::string_view bytes, size_t begin, size_t end) {
    storage_.append(bytes.data(), bytes.size());
    begin_.insert(begin_.end(), bytes.size(), same + begin);
    end_.insert(end_.end(), bytes.size(), same + end);
  });
  folded_ = storage_;
}

bool FoldingJoinsAlnum(absl::string_view text) {
  bool after_alnum = false;  // the last kept code point was a letter or digit
  bool separated = false;    // and separators followed it
  for (size_t at = 0; at < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[at]);
    if (c >= 0xE4 && c <= 0xE9) {  // a CJK ideograph (or broken bytes): neither
      after_alnum = separated = false;
      at += 3;
      continue;
    }
    uint32_t cp = c;
    size_t len = c < 0x80 ? 1 : Utf8SequenceLength(text, at, &cp);
    if (len == 0) {
      after_alnum = separated = false;
      ++at;
      continue;
    }
    at += len;
    if (IsSeparator(cp)) {
      separated = after_alnum;
      continue;
    }
    const char ascii = FoldAscii(cp);
    const bool alnum = (ascii >= '0' && ascii <= '9') || (ascii >= 'a' && ascii <= 'z');
    if (alnum && separated) return true;
    after_alnum = alnum;
    separated = false;
  }
  return false;
}

std::string Fold(absl::string_view value) {
  std::string out;
  out.reserve(value.size());
  FoldEach(value, [&out](absl::string_view bytes, size_t, size_t) { out.append(bytes.data(), bytes.size()); });
  return out;
}

}  // namespace caselink::auth
