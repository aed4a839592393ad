// Masked renderings of personal values: keeps what a clerk needs to match a
// record (the first and last few characters) and replaces the rest.
// Works on Unicode code points, so 张三 masks to 张* and never splits UTF-8.
#pragma once

#include <string>

#include "absl/container/flat_hash_map.h"
#include "auth/free_text_masker.h"
#include "absl/strings/string_view.h"
#include "caselink/v1/annotations.pb.h"
#include "caselink/v1/policy.pb.h"

namespace caselink::auth {

// Keeps rule.keep_first leading and rule.keep_last trailing code points and
// replaces each other one with rule.mask_char ("*" if empty). At least one
// code point is always replaced, shrinking the kept ends if the value is
// short; an empty value stays empty.
std::string MaskValue(absl::string_view value, const v1::MaskRule& rule);

}  // namespace caselink::auth

namespace caselink::auth {

// The policy's mask rule for each value shape. A shape with no rule is
// masked entirely. It also carries the policy's free-text detectors
// (the defaults unless built from a policy that sets free_text).
class MaskBook {
 public:
  MaskBook() = default;
  explicit MaskBook(const google::protobuf::RepeatedPtrField<v1::MaskRule>& rules);
  // The policy's masks and its free_text.
  explicit MaskBook(const v1::Policy& policy);
  std::string Mask(absl::string_view value, v1::MaskShape shape) const;
  const FreeTextMasker& free_text() const { return free_text_; }

 private:
  absl::flat_hash_map<int, v1::MaskRule> rules_;
  FreeTextMasker free_text_;
};

}  // namespace caselink::auth
