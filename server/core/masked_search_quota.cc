#include "server/core/masked_search_quota.h"

#include <algorithm>
#include <functional>

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

namespace {

// Whether some row of another agency the caller may read through `method`
// shows it a value `hidden` says is masked or withheld. Rows differ in what
// links them to the caller (a transfer, a supervision record, a campaign's
// sample: what the `transferred`, `linked` and `inspection_sample` selectors
// follow), and a row's plan merges every rule that selects it, so a row with
// more links may show in full what a row with fewer shows masked: every
// combination of links is asked, in every domain, the rows with no link
// first (a police rule ALLOWing transferred rows must not hide that another
// rule shows it every other agency's rows masked).
bool AnyForeignRowHides(const CallScope& scope, const std::string& method,
                        const std::function<bool(const auth::FieldPlan&)>& hidden) {
  const google::protobuf::EnumDescriptor* domains = v1::Domain_descriptor();
  const std::string& me = scope.principal.agency_id;
  for (int links = 0; links < 8; ++links) {
    auth::RowFacts row;
    row.owner_agency = absl::StrCat("~not-", me);
    if (links & 1) row.linked_agencies.push_back(me);
    if (links & 2) row.supervision_agencies.push_back(me);
    if (links & 4) row.inspection_agencies.push_back(me);
    for (int i = 0; i < domains->value_count(); ++i) {
      row.domain = static_cast<v1::Domain>(domains->value(i)->number());
      auto plan = scope.authz->PlanRead(scope.principal, method, row);
      if (plan.has_value() && hidden(*plan)) return true;
    }
  }
  return false;
}

bool HidesPartyIds(const auth::FieldPlan& plan) {
  return plan.Decide("parties.person.id_number", v1::PERSONAL_ID) != v1::ALLOW ||
         plan.Decide("parties.organization.credit_code", v1::PERSONAL_ID) != v1::ALLOW;
}

// Takes one from the caller's bucket, or refuses naming the limit; `what`
// says what the caller did too often.
absl::Status Charge(MaskedSearchQuota* quota, const CallScope& scope, absl::Time now, absl::string_view what) {
  if (quota->TryTake(scope.principal.agency_id, now)) return absl::OkStatus();
  if (scope.record != nullptr) scope.record->denied_by = deny_rule::kMaskedSearchLimit;
  return absl::ResourceExhaustedError(absl::StrCat(
      "agency '", scope.principal.agency_id, "' has made ", quota->per_hour(), " ", what,
      " in the last hour by values its policy shows it masked (limits.masked_searches_per_agency_per_hour = ",
      quota->per_hour(), "); retry later, or ask the operator"));
}

}  // namespace

bool SearchesMaskedValue(const CallScope& scope, const v1::SearchCasesRequest& req) {
  if (req.party_id().empty() && req.party_name().empty()) return false;
  return AnyForeignRowHides(scope, scope.method, [&](const auth::FieldPlan& plan) {
    if (!req.party_id().empty() && HidesPartyIds(plan)) return true;
    return !req.party_name().empty() && plan.Decide("parties.person.name", v1::PERSONAL) != v1::ALLOW;
  });
}

bool ReadsPartyIdsMasked(const CallScope& scope) {
  return AnyForeignRowHides(scope, "caselink.v1.CaseService/GetCase", HidesPartyIds);
}

absl::Status ChargeMaskedSearch(MaskedSearchQuota* quota, const CallScope& scope,
                                const v1::SearchCasesRequest& req, absl::Time now) {
  if (quota == nullptr || !SearchesMaskedValue(scope, req)) return absl::OkStatus();
  return Charge(quota, scope, now, "searches by party_id or party_name");
}

absl::Status ChargeMaskedPartyQuestion(MaskedSearchQuota* quota, const CallScope& scope, absl::Time now) {
  if (quota == nullptr || !ReadsPartyIdsMasked(scope)) return absl::OkStatus();
  return Charge(quota, scope, now, "searches or AuditService.PartyAccess questions by party_id");
}

}  // namespace caselink::server
