// Screening rules (screening_rules.proto) compiled for evaluation: at load
// every fact name is resolved to its CaseFacts field and every district
// figure to its value, and everything is checked (a wrong name, a figure
// outside its national range, a comparison that does not fit the fact's type
// is an error naming the rule, threshold and condition). Evaluating a case is
// then a few reflection reads and integer compares. Immutable; thread-safe.
//
//   CASELINK_ASSIGN_OR_RETURN(auto rules, ScreeningRuleSet::Load(path));
//   for (const v1::ScreeningHit& hit : rules->Evaluate(the_case)) ...
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "caselink/v1/case.pb.h"
#include "caselink/v1/screening.pb.h"
#include "caselink/v1/screening_rules.pb.h"

namespace caselink::workflow {

class ScreeningRuleSet {
 public:
  // INVALID_ARGUMENT naming the path of the first problem, e.g.
  // "rules[2].any_of[0].all_of[1].fact: 'sale_amount' is not a CaseFacts field".
  static absl::StatusOr<std::shared_ptr<const ScreeningRuleSet>> Compile(v1::ScreeningRules rules);
  // Text format; `origin` names the text in errors (a file name).
  static absl::StatusOr<std::shared_ptr<const ScreeningRuleSet>> Parse(absl::string_view text,
                                                                        absl::string_view origin);
  static absl::StatusOr<std::shared_ptr<const ScreeningRuleSet>> Load(const std::string& path);

  // One hit per rule the case meets (the first threshold met, in the rule's
  // order), with case_id, owner_agency, domain, case_version, rule_id,
  // offence, article, threshold, source and figures set; state unset.
  std::vector<v1::ScreeningHit> Evaluate(const v1::Case& c) const;

  const v1::ScreeningRules& rules() const { return rules_; }
  // A digest of the rules: a change of it means every case is rescreened.
  const std::string& version() const { return version_; }

  struct Compiled;  // screening_rules.cc
  ~ScreeningRuleSet();

 private:
  ScreeningRuleSet() = default;
  v1::ScreeningRules rules_;
  std::string version_;
  std::vector<std::unique_ptr<Compiled>> compiled_;
};

}  // namespace caselink::workflow
