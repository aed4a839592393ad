#include "server/linked_row_facts.h"

namespace caselink::server {

auth::RowFacts LinkedRowFacts::Facts(const v1::Case& c) const {
  auth::RowFacts f = base_.Facts(c);
  if (!c.case_id().empty()) f.linked_agencies = links_->LinkedAgencies(c.case_id());
  return f;
}

}  // namespace caselink::server
