#include "auth/masking.h"

#include <algorithm>
#include <vector>

namespace caselink::auth {
namespace {

// Splits UTF-8 into code points; an invalid byte counts as one code point so
// malformed input is still masked, never echoed.
std::vector<absl::string_view> CodePoints(absl::string_view s) {
  std::vector<absl::string_view> out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 1;
    if (i + len > s.size()) len = 1;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) {
        len = 1;
        break;
      }
    }
    out.push_back(s.substr(i, len));
    i += len;
  }
  return out;
}

}  // namespace

std::string MaskValue(absl::string_view value, const v1::MaskRule& rule) {
  if (value.empty()) return "";
  std::vector<absl::string_view> cps = CodePoints(value);
  const int n = static_cast<int>(cps.size());
  // Clamped first (no overflow, no long loop, whatever the policy says).
  int first = std::clamp(rule.keep_first(), 0, n);
  int last = std::clamp(rule.keep_last(), 0, n);
  // Never reveal the whole value: shrink the kept ends until one is hidden.
  while (first + last >= n && (first > 0 || last > 0)) {
    if (last >= first && last > 0) --last; else --first;
  }
  const absl::string_view mask = rule.mask_char().empty() ? absl::string_view("*") : rule.mask_char();
  std::string out;
  out.reserve(value.size() + (n - first - last) * mask.size());
  for (int i = 0; i < n; ++i) {
    if (i < first || i >= n - last) out.append(cps[i].data(), cps[i].size());
    else out.append(mask.data(), mask.size());
  }
  return out;
}

}  // namespace caselink::auth

namespace caselink::auth {

MaskBook::MaskBook(const google::protobuf::RepeatedPtrField<v1::MaskRule>& rules) {
  for (const v1::MaskRule& r : rules) rules_[r.shape()] = r;
}

MaskBook::MaskBook(const v1::Policy& policy)
    : MaskBook(policy.masks()) {
  free_text_ = FreeTextMasker::ForPolicy(policy);
}

std::string MaskBook::Mask(absl::string_view value, v1::MaskShape shape) const {
  auto it = rules_.find(shape);
  if (it != rules_.end()) return MaskValue(value, it->second);
  return MaskValue(value, v1::MaskRule());  // hide every code point
}

}  // namespace caselink::auth
