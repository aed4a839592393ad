#include "server/screening/screening_service.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "caselink_common/proto_time.h"
#include "caselink_common/status_macros.h"
#include "server/core/item_entry.h"
#include "server/core/request_validator.h"
#include "server/core/sorted_page.h"
#include "server/screening/hit_state.h"
#include "server/workflow/workflow_actor.h"

namespace caselink::server {
namespace {

const std::string kService = v1::ScreeningService::service_full_name();

// The caller's plan for the hit's case row through the call's RPC, or
// nullopt if the row is invisible to it (or the case is gone).
absl::StatusOr<std::optional<auth::FieldPlan>> PlanFor(const ServiceContext& sc, const CallScope& scope,
                                                       const std::string& case_id, v1::Case* c) {
  absl::StatusOr<v1::Case> got = sc.cases->Get(case_id, 0);
  if (absl::IsNotFound(got.status())) return std::optional<auth::FieldPlan>();
  if (!got.ok()) return got.status();
  *c = *std::move(got);
  return scope.authz->PlanRead(scope.principal, scope.method, sc.guard->FactsOf(*c));
}

absl::Status HitNotFound(const std::string& case_id, const std::string& rule_id) {
  return absl::NotFoundError(absl::StrCat("no screening hit of case '", case_id, "' and rule '", rule_id, "'"));
}

}  // namespace

ScreeningServiceImpl::ScreeningServiceImpl(const ServiceContext& sc, storage::ScreeningStore* store)
    : RawService(sc), sc_(sc), store_(store) {
  using S = ScreeningServiceImpl;
  Install(kService, {Unary("ListHits", this, &S::DoListHits), Unary("DismissHit", this, &S::DoDismissHit)});
}

absl::Status ScreeningServiceImpl::DoListHits(const CallScope& scope, const v1::ListHitsRequest& req,
                                              v1::ListHitsResponse* resp) {
  if (!v1::Domain_IsValid(req.domain())) return absl::InvalidArgumentError("domain: is not a known Domain");
  for (int i = 0; i < req.states_size(); ++i) {
    if (!v1::HitState_IsValid(req.states(i)) || req.states(i) == v1::HIT_STATE_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat("states[", i, "]: is not a HitState"));
    }
  }
  const absl::Time now = sc_.now();

  std::vector<v1::ScreeningHit> candidates;
  CASELINK_RETURN_IF_ERROR(store_->ForEachHit([&](const v1::ScreeningHit& h) {
    if (!req.owner_agency().empty() && h.owner_agency() != req.owner_agency()) return true;
    if (req.domain() != v1::DOMAIN_UNSPECIFIED && h.domain() != req.domain()) return true;
    if (!req.rule_id().empty() && h.rule_id() != req.rule_id()) return true;
    if (req.min_age_days() > 0 && now - FromProtoTime(h.hit_time()) < absl::Hours(24) * req.min_age_days()) {
      return true;
    }
    candidates.push_back(h);
    return true;
  }));
  const workflow::Actor viewer = ActorOf(scope);
  CASELINK_ASSIGN_OR_RETURN(auto items, ItemsByCase(sc_, nullptr, &viewer));
  std::vector<v1::ScreeningHit> visible;
  const std::vector<std::string> filtered = CallGuard::FilteredPaths(req);
  for (v1::ScreeningHit& h : candidates) {
    v1::Case c;
    CASELINK_ASSIGN_OR_RETURN(std::optional<auth::FieldPlan> plan, PlanFor(sc_, scope, h.case_id(), &c));
    if (!plan.has_value()) continue;  // a row the caller may not see: as if absent
    // Nor a hit whose existence tells facts the caller may not read: left
    // out before paging, or the page tokens would count it.
    if (!CallGuard::ExistenceShown(*plan, v1::ScreeningHit::descriptor())) continue;
    // A filter on a value of the case the caller may not read matches nothing.
    if (!sc_.guard->VisibleThroughFilters(scope, filtered, c)) continue;
    CASELINK_RETURN_IF_ERROR(SetHitState(*store_, items, &h));
    if (!req.states().empty() &&
        std::find(req.states().begin(), req.states().end(), h.state()) == req.states().end()) {
      continue;
    }
    visible.push_back(std::move(h));
  }
  // Newest first; a case has one hit per rule.
  auto key = [](const v1::ScreeningHit& h) {
    return absl::StrFormat("%020d|%09d|%s|%s", h.hit_time().seconds(), h.hit_time().nanos(), h.case_id(), h.rule_id());
  };
  return ServeSortedPage(sc_, PageScope::For(scope, req), req.page_size(), req.page_token(), std::move(visible), key,
                         SortOrder::kDescending, resp->mutable_hits(), resp->mutable_next_page_token());
}

absl::Status ScreeningServiceImpl::DoDismissHit(const CallScope& scope, const v1::DismissHitRequest& req,
                                                v1::DismissHitResponse* resp) {
  CASELINK_RETURN_IF_ERROR(ValidateRequestId("request_id", req.request_id()));
  CASELINK_RETURN_IF_ERROR(ValidateCaseId("case_id", req.case_id()));
  if (req.rule_id().empty()) return absl::InvalidArgumentError("rule_id: is required");
  if (req.reason().empty()) {
    return absl::InvalidArgumentError("reason: is required (why the facts do not call for a transfer; it is kept)");
  }
  scope.record->requested_case_id = req.case_id();
  v1::Case c;
  CASELINK_ASSIGN_OR_RETURN(std::optional<auth::FieldPlan> plan, PlanFor(sc_, scope, req.case_id(), &c));
  if (!plan.has_value()) return HitNotFound(req.case_id(), req.rule_id());
  CASELINK_ASSIGN_OR_RETURN(std::vector<v1::ScreeningHit> hits, store_->HitsOf(req.case_id()));
  auto hit = std::find_if(hits.begin(), hits.end(), [&](const v1::ScreeningHit& h) { return h.rule_id() == req.rule_id(); });
  if (hit == hits.end()) return HitNotFound(req.case_id(), req.rule_id());
  if (c.owner_agency() != scope.principal.agency_id) {
    return absl::PermissionDeniedError(absl::StrCat("case '", c.case_id(), "' is owned by agency '", c.owner_agency(),
                                                    "'; only the owning agency dismisses its hits (rule: dismissal "
                                                    "is the owner's answer, 310号 第十四条 supervision stays open)"));
  }
  // From the read of the latest dismissal to the commit of this one:
  // identical concurrent dismissals must store one and replay the rest.
  const storage::KeyLocks::Guard hit_lock = store_->LockHit(req.case_id(), req.rule_id());
  const workflow::Actor viewer = ActorOf(scope);
  CASELINK_ASSIGN_OR_RETURN(auto items, ItemsByCase(sc_, nullptr, &viewer));
  v1::ScreeningHit current = *hit;
  CASELINK_RETURN_IF_ERROR(SetHitState(*store_, items, &current));
  if (current.state() == v1::HIT_TRANSFERRED) {
    return absl::FailedPreconditionError(absl::StrCat("case '", c.case_id(), "' was transferred (", current.item_id(),
                                                      "); its hit is closed and cannot be dismissed"));
  }
  if (current.state() == v1::HIT_DISMISSED && current.dismiss_reason() == req.reason()) {
    *resp->mutable_hit() = std::move(current);
    resp->set_replayed(true);
    return absl::OkStatus();
  }
  v1::ScreeningHit dismissed = *hit;
  dismissed.set_state(v1::HIT_DISMISSED);
  dismissed.set_dismiss_reason(req.reason());
  dismissed.set_dismissed_by(scope.principal.agency_id);
  *dismissed.mutable_dismiss_time() = ToProtoTime(sc_.now());
  storage::CommitRequest commit;
  commit.puts.push_back(storage::ScreeningStore::DismissalPut(dismissed));
  if (sc_.access_log != nullptr) {
    CASELINK_RETURN_IF_ERROR(AttachItemEntryFor(sc_, scope, "", {c.case_id()}, &dismissed, &commit));
  }
  absl::Status stored = sc_.pipeline->Commit(std::move(commit)).status();
  if (!stored.ok()) {
    scope.record->logged_in_batch = false;  // the failure is logged as the call's entry
    return stored;
  }
  *resp->mutable_hit() = std::move(dismissed);
  return absl::OkStatus();
}

}  // namespace caselink::server
