#include "server/core/row_facts.h"

namespace caselink::server {

auth::RowFacts CaseOnlyRowFacts::Facts(const v1::Case& c) const {
  auth::RowFacts f;
  f.owner_agency = c.owner_agency();
  f.domain = c.domain();
  return f;
}

}  // namespace caselink::server
