#include "server/oversight/campaign_access.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "caselink_common/status_macros.h"
#include "server/core/request_validator.h"
#include "server/workflow/workflow_actor.h"

namespace caselink::server {

CampaignAccess AccessOf(const CallScope& scope, v1::Campaign campaign) {
  const std::string& me = scope.principal.agency_id;
  CampaignAccess a;
  a.organiser = campaign.organizer_agency() == me;
  a.team = std::any_of(campaign.team().begin(), campaign.team().end(),
                       [&](const v1::TeamMember& m) { return m.agency_id() == me; });
  a.inspected = std::find(campaign.agencies().begin(), campaign.agencies().end(), me) != campaign.agencies().end();
  a.government = ActorOf(scope).Has(v1::GOVERNMENT);
  a.campaign = std::move(campaign);
  return a;
}

absl::Status CampaignNotFound(const std::string& campaign_id) {
  return absl::NotFoundError(absl::StrCat("campaign '", campaign_id, "' not found"));
}

absl::StatusOr<CampaignAccess> LoadCampaign(const storage::OversightStore& store, const CallScope& scope,
                                            const std::string& campaign_id) {
  CASELINK_RETURN_IF_ERROR(ValidateCaseId("campaign_id", campaign_id));
  absl::StatusOr<v1::Campaign> c = store.Campaign(campaign_id);
  if (absl::IsNotFound(c.status())) return CampaignNotFound(campaign_id);
  if (!c.ok()) return c.status();
  CampaignAccess a = AccessOf(scope, *std::move(c));
  if (!a.visible()) return CampaignNotFound(campaign_id);
  if (scope.record != nullptr) scope.record->item_id = campaign_id;
  return a;
}

absl::StatusOr<std::vector<v1::Campaign>> CampaignsVisibleTo(const storage::OversightStore& store,
                                                             const CallScope& scope) {
  CASELINK_ASSIGN_OR_RETURN(std::vector<v1::Campaign> all, store.Campaigns());
  std::vector<v1::Campaign> out;
  for (v1::Campaign& c : all) {
    if (AccessOf(scope, c).visible()) out.push_back(std::move(c));
  }
  return out;
}

absl::Status RequireTeam(const CampaignAccess& access, const std::string& agency, const std::string& what) {
  if (access.organiser || access.team) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      "agency '", agency, "' is not on the inspection team of campaign '", access.campaign.id(),
      "'; only the organiser and team members ", what, " (rule: oversight team, oversight.proto)"));
}

absl::Status RequireOrganiser(const CampaignAccess& access, const std::string& agency, const std::string& what) {
  if (access.organiser) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      "agency '", agency, "' does not organise campaign '", access.campaign.id(), "' (its organiser is '",
      access.campaign.organizer_agency(), "'); only the organiser may ", what,
      " (rule: oversight organiser, oversight.proto)"));
}

}  // namespace caselink::server
