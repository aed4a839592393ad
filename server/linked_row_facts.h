// LinkedRowFacts: the row facts of a case including the agencies workflow
// items link it to (storage/case_links.h), so that the policy's
// `rows { transferred: true }` lets the police read a case transferred to
// them and an agency read the case of a reverse transfer addressed to it.
// Thread-safe.
#pragma once

#include "server/row_facts.h"
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
