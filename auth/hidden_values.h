// HiddenValues: the personal values of one message that the caller does not
// receive in full (a party's name, phone, address: every string field with a
// mask shape whose decision is MASK or DENY), each with what the caller gets
// instead. The redaction walk (field_redactor.h) finds them again inside the
// same message's other text (a case's title or facts naming its party) and
// replaces them the same way, so text never gives back what a field withheld.
//
// Promises: whole values of at least kMinHiddenValueCodePoints code points
// (one character would match every text), found however a writer spaced or
// spelled them (auth/folded_text.h: separators inside a value, full-width
// digits and letters, ASCII case: "138 0013-8000" is the phone 13800138000),
// the whole span replaced, separators inside it included; leftmost first,
// the longer value at the same place; text around a match is returned byte
// for byte. Valid UTF-8 stays valid (a match of valid UTF-8 inside valid
// UTF-8 starts and ends on code point boundaries).
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace caselink::auth {

inline constexpr int kMinHiddenValueCodePoints = 2;

class HiddenValues {
 public:
  // Records `value`, shown as `replacement`; `denied` when the replacement
  // is the DENY marker. A value met twice (the same name in two fields)
  // keeps a denied replacement over a masked one, else the first.
  void Add(absl::string_view value, std::string replacement, bool denied);
  bool empty() const { return values_.empty(); }
  size_t size() const { return values_.size(); }

  // Writes `text` with every hidden value replaced to `out` and returns true;
  // returns false, leaving `out` untouched, if `text` holds none.
  bool Apply(absl::string_view text, std::string* out) const;

 private:
  struct Entry {
    std::string value;  // folded (FoldedText)
    std::string replacement;
    bool denied = false;
  };
  std::vector<Entry> values_;  // few: the parties of one message
};

}  // namespace caselink::auth
