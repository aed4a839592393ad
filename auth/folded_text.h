// FoldedText: a text as a hidden value is looked for in it. Separators a
// writer may put inside a name, phone or ID number ("138 0013-8000",
// "张 三", zero-width spaces) are dropped, full-width ASCII (１３８, Ｘ) becomes
// ASCII and ASCII letters lower case, so "510181198503121235" is found in
// "５１０１８１ 1985 0312 123５" and "x" in "X". Each byte of the folded text
// knows the code point of the original it came from, so a match maps back to
// the original span (separators inside it included). Bytes that are not
// valid UTF-8 are kept as they are, one by one.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace caselink::auth {

class FoldedText {
 public:
  explicit FoldedText(absl::string_view text);

  // Valid while the text passed in is.
  absl::string_view folded() const { return folded_; }
  // Whether folding changed nothing (then folded() is the text itself).
  bool unchanged() const { return same_; }
  // The original bytes [begin, end) that folded bytes [fbegin, fend)
  // (fbegin < fend) came from: from the first one's code point to the end
  // of the last one's.
  size_t OriginalBegin(size_t fbegin) const { return same_ ? fbegin : begin_[fbegin]; }
  size_t OriginalEnd(size_t fend) const { return same_ ? fend : end_[fend - 1]; }

 private:
  // Most text folds to itself: then no copy and no map.
  bool same_ = true;
  absl::string_view folded_;
  std::string storage_;
  std::vector<size_t> begin_;  // per folded byte
  std::vector<size_t> end_;
};

// Only the folded form of `value` (for values, which need no map back).
std::string Fold(absl::string_view value);

// Whether folding `text` joins two letters or digits (ASCII or full-width)
// that separators kept apart: if not, a number found in the folded text is
// found in the text as written. One pass, no allocation.
bool FoldingJoinsAlnum(absl::string_view text);

}  // namespace caselink::auth
