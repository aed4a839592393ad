#include "server/core/linked_row_facts.h"

namespace caselink::server {

auth::RowFacts LinkedRowFacts::Facts(const v1::Case& c) const {
  auth::RowFacts f = base_.Facts(c);
  if (c.case_id().empty()) return f;
  for (storage::CaseLink& l : links_->Links(c.case_id())) {
    // Links of an unknown kind grant nothing.
    if (l.kind == storage::kTransferLink) {
      f.linked_agencies.push_back(std::move(l.agency));
    } else if (l.kind == storage::kSupervisionLink || l.kind == storage::kRectificationLink ||
               l.kind == storage::kDecisionLink) {
      f.supervision_agencies.push_back(std::move(l.agency));
    } else if (l.kind == storage::kInspectionLink) {
      f.inspection_agencies.push_back(std::move(l.agency));
    }
  }
  return f;
}

}  // namespace caselink::server
