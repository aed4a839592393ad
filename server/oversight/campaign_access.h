// Who a caller is to a campaign, after the policy granted the RPC: the
// organiser and the team, the government and inspected agencies see it;
// anyone else gets NOT_FOUND exactly as for a campaign that does not exist.
// An inspected agency that is neither on the team nor the organiser has the
// narrow view: its own sampled cases, reviews, notices and summary rows.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "caselink/v1/oversight.pb.h"
#include "server/core/call_guard.h"
#include "storage/oversight_store.h"

namespace caselink::server {

struct CampaignAccess {
  v1::Campaign campaign;
  bool organiser = false;   // the justice bureau that created it
  bool team = false;        // on the inspection team (the organiser is)
  bool inspected = false;   // among the agencies inspected
  bool government = false;  // the GOVERNMENT role: reads the whole campaign
  // Sees everything of the campaign (organiser, team, government); false:
  // only what concerns the caller as an inspected agency.
  bool full_view() const { return organiser || team || government; }
  bool visible() const { return full_view() || inspected; }
};

CampaignAccess AccessOf(const CallScope& scope, v1::Campaign campaign);

// The campaign as the caller may see it; NOT_FOUND naming the id if it does
// not exist or the caller is not involved.
absl::StatusOr<CampaignAccess> LoadCampaign(const storage::OversightStore& store, const CallScope& scope,
                                            const std::string& campaign_id);

// Every campaign the caller may see, in id order.
absl::StatusOr<std::vector<v1::Campaign>> CampaignsVisibleTo(const storage::OversightStore& store,
                                                             const CallScope& scope);

absl::Status CampaignNotFound(const std::string& campaign_id);

// PERMISSION_DENIED unless the caller organises the campaign or is on its
// team; `what` says what it tried ("review a case").
absl::Status RequireTeam(const CampaignAccess& access, const std::string& agency, const std::string& what);
// PERMISSION_DENIED unless the caller is the campaign's organiser.
absl::Status RequireOrganiser(const CampaignAccess& access, const std::string& agency, const std::string& what);

}  // namespace caselink::server
