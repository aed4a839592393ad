#include "auth/hidden_values.h"

#include <algorithm>

#include "auth/folded_text.h"

namespace caselink::auth {
namespace {

int CodePoints(absl::string_view s) {
  int n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

struct Match {
  size_t begin;
  size_t end;
  const std::string* replacement;
};

}  // namespace

void HiddenValues::Add(absl::string_view value, std::string replacement, bool denied) {
  if (value == replacement) return;
  std::string folded = Fold(value);
  if (CodePoints(folded) < kMinHiddenValueCodePoints) return;
  for (Entry& e : values_) {
    if (e.value != folded) continue;
    if (denied && !e.denied) {
      e.replacement = std::move(replacement);
      e.denied = true;
    }
    return;
  }
  values_.push_back(Entry{std::move(folded), std::move(replacement), denied});
}

bool HiddenValues::Apply(absl::string_view text, std::string* out) const {
  const FoldedText ft(text);
  const absl::string_view folded = ft.folded();
  std::vector<Match> matches;
  for (const Entry& e : values_) {
    for (size_t at = folded.find(e.value); at != absl::string_view::npos;
         at = folded.find(e.value, at + e.value.size())) {
      matches.push_back(Match{ft.OriginalBegin(at), ft.OriginalEnd(at + e.value.size()), &e.replacement});
    }
  }
  if (matches.empty()) return false;
  // Leftmost first; at the same place the longer value ("张三丰" over "张三").
  std::sort(matches.begin(), matches.end(), [](const Match& a, const Match& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  std::string result;
  result.reserve(text.size());
  size_t done = 0;
  for (const Match& m : matches) {
    if (m.begin < done) continue;  // overlaps a match already replaced
    result.append(text.data() + done, m.begin - done);
    result += *m.replacement;
    done = m.end;
  }
  result.append(text.data() + done, text.size() - done);
  *out = std::move(result);
  return true;
}

}  // namespace caselink::auth
