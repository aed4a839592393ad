// Content-aware masking of free text: applies the policy's FreeTextMasking to
// one string value. The scanner (auth/free_text_scanner.h) finds identity
// numbers, credit codes, mobile numbers and bank cards; for each, the caller's
// decision for the detector's sensitivity class says what it gets: ALLOW the
// value, MASK the detector's masked form, DENY (or no grant) a fixed marker.
//
// Identifiers are found as written and also with the separators a writer
// may put inside a number dropped ("510105 1990 0307 1233", "138-1234-5678",
// zero-width spaces: auth/folded_text.h); such a match covers its separators.
//
// Promises: text outside the found identifiers is returned byte for byte;
// the output is valid UTF-8 if the input was; the work is linear in the value
// (one scan, then one copy). The field redactor (auth/field_redactor.h) calls
// this for every string field a caller receives.
#pragma once

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "caselink/v1/annotations.pb.h"
#include "caselink/v1/policy.pb.h"

namespace caselink::auth {

class FreeTextMasker {
 public:
  // The defaults used when the policy has no free_text (policy.proto).
  FreeTextMasker();
  explicit FreeTextMasker(const v1::FreeTextMasking& config);
  static v1::FreeTextMasking DefaultConfig();
  // The policy's free_text, or the defaults if it has none.
  static FreeTextMasker ForPolicy(const v1::Policy& policy);

  // Whether any detector runs.
  bool enabled() const { return enabled_; }
  // What DENY puts in place of a value (also of a hidden field's value met
  // in other text: auth/hidden_values.h).
  const std::string& deny_marker() const { return deny_marker_; }

  // Rewrites `value` for a caller whose action for a sensitivity class is
  // `decide(class)` (asked only for classes of identifiers actually found).
  // Returns false, leaving `out` untouched, if nothing was found or every
  // found value is ALLOWed; otherwise `out` is the rewritten value.
  // `shown_party_ids` (may be null) gets each identity number and credit
  // code left as it is, so the access log can name the party it reveals.
  bool Apply(absl::string_view value,
             absl::FunctionRef<v1::FieldAction(v1::Sensitivity)> decide,
             std::string* out, std::vector<std::string>* shown_party_ids = nullptr) const;

 private:
  struct Detector {
    bool on = false;
    v1::Sensitivity sensitivity = v1::SENSITIVITY_UNSPECIFIED;
    v1::MaskRule mask;
  };
  std::array<Detector, 5> detectors_;  // by FreeTextMasking.Detector
  std::string deny_marker_;
  bool enabled_ = false;
};

// The default DENY marker.
inline constexpr char kFreeTextDenyMarker[] = "[已屏蔽]";

// Problems of a policy's free_text, each with the index of the rule it
// concerns (-1 for the message itself); empty if it is valid.
std::vector<std::pair<int, std::string>> FreeTextConfigProblems(const v1::FreeTextMasking& config);

}  // namespace caselink::auth
