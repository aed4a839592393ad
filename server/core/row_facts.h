// RowFactsSource tells the authorizer what it needs to know about a case's
// row: its owner, its domain, and which agencies transfers link it to. The
// transfer workflow provides the links; until then only the case itself.
#pragma once

#include "auth/authorizer.h"
#include "caselink/v1/case.pb.h"

namespace caselink::server {

class RowFactsSource {
 public:
  virtual ~RowFactsSource() = default;
  virtual auth::RowFacts Facts(const v1::Case& c) const = 0;
};

// Owner and domain of the case only; no links.
class CaseOnlyRowFacts final : public RowFactsSource {
 public:
  auth::RowFacts Facts(const v1::Case& c) const override;
};

}  // namespace caselink::server
