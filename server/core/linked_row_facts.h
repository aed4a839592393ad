// LinkedRowFacts: the row facts of a case including the agencies workflow
// items link it to (storage/case_links.h), by kind: transfer links feed
// `rows { transferred: true }` (the police read a case transferred to them,
// an agency the case of a reverse transfer addressed to it), supervision,
// rectification and decision-item links only `rows { linked: true }`, a
// campaign's sample only `rows { inspection_sample: true }` (its inspection
// team). A link is never a grant by itself: a row is visible only if a rule
// granting the RPC selects it.
// Thread-safe.
#pragma once

#include "server/core/row_facts.h"
#include "storage/case_links.h"

namespace caselink::server {

class LinkedRowFacts final : public RowFactsSource {
 public:
  explicit LinkedRowFacts(const storage::CaseLinks* links) : links_(links) {}
  auth::RowFacts Facts(const v1::Case& c) const override;

 private:
  CaseOnlyRowFacts base_;
  const storage::CaseLinks* links_;
};

}  // namespace caselink::server
