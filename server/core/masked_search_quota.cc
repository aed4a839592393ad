#include "server/core/masked_search_quota.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "server/core/server_metrics.h"

namespace caselink::server {

bool MaskedSearchQuota::TryTake(const std::string& agency, absl::Time now) {
  absl::MutexLock l(&mu_);
  auto [it, fresh] = buckets_.try_emplace(agency);
  Bucket& b = it->second;
  if (fresh) {
    b.tokens = per_hour_;
  } else {
    const double hours = absl::ToDoubleHours(std::max(absl::ZeroDuration(), now - b.last));
    b.tokens = std::min<double>(per_hour_, b.tokens + hours * per_hour_);
  }
  b.last = now;
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

bool SearchesMaskedValue(const CallScope& scope, const v1::SearchCasesRequest& req) {
  if (req.party_id().empty() && req.party_name().empty()) return false;
  // A row of another agency, linked to the caller by a transfer and by a
  // campaign's sample, in each domain: every row selector (own, transferred,
  // linked, inspection_sample, domains, all) that can
  // show the caller another agency's party is tried.
  auth::RowFacts row;
  row.owner_agency = absl::StrCat("~not-", scope.principal.agency_id);
  row.linked_agencies.push_back(scope.principal.agency_id);
  row.inspection_agencies.push_back(scope.principal.agency_id);
  const google::protobuf::EnumDescriptor* domains = v1::Domain_descriptor();
  for (int i = 0; i < domains->value_count(); ++i) {
    row.domain = static_cast<v1::Domain>(domains->value(i)->number());
    auto plan = scope.authz->PlanRead(scope.principal, scope.method, row);
    if (!plan.has_value()) continue;
    if (!req.party_id().empty() &&
        (plan->Decide("parties.person.id_number", v1::PERSONAL_ID) != v1::ALLOW ||
         plan->Decide("parties.organization.credit_code", v1::PERSONAL_ID) != v1::ALLOW)) {
      return true;
    }
    if (!req.party_name().empty() && plan->Decide("parties.person.name", v1::PERSONAL) != v1::ALLOW) {
      return true;
    }
  }
  return false;
}

absl::Status ChargeMaskedSearch(MaskedSearchQuota* quota, const CallScope& scope,
                                const v1::SearchCasesRequest& req, absl::Time now) {
  if (quota == nullptr || !SearchesMaskedValue(scope, req)) return absl::OkStatus();
  if (quota->TryTake(scope.principal.agency_id, now)) return absl::OkStatus();
  if (scope.record != nullptr) scope.record->denied_by = deny_rule::kMaskedSearchLimit;
  return absl::ResourceExhaustedError(absl::StrCat(
      "agency '", scope.principal.agency_id, "' has made ", quota->per_hour(),
      " searches in the last hour by party_id or party_name, values its policy shows it masked "
      "(limits.masked_searches_per_agency_per_hour = ", quota->per_hour(),
      "); retry later, or ask the operator"));
}

}  // namespace caselink::server
