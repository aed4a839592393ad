// OversightService: registration, campaigns and the summary. The sample,
// reviews and rectification notices are in oversight_sample.cc,
// oversight_reviews.cc and oversight_rectifications.cc.
#include "server/oversight/oversight_service.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "caselink_common/proto_time.h"
#include "caselink_common/request_digest.h"
#include "caselink_common/status_macros.h"
#include "server/core/item_entry.h"
#include "server/core/request_validator.h"
#include "server/oversight/campaign_access.h"
#include "server/oversight/campaign_summary.h"
#include "server/workflow/workflow_actor.h"
#include "storage/case_id.h"
#include "workflow/campaign_rules.h"

namespace caselink::server {
namespace {

// Campaign ids look like case ids with their own first letter (检查).
constexpr char kCampaignIdPrefix = 'K';

// The organiser leads the team (oversight.proto): it is added as TEAM_LEADER
// when the request leaves it out; listing it as a mere member is a mistake.
absl::Status PutOrganiserOnTeam(const std::string& organiser, v1::Campaign* c) {
  for (int i = 0; i < c->team_size(); ++i) {
    if (c->team(i).agency_id() != organiser) continue;
    if (c->team(i).role() != v1::TEAM_LEADER) {
      return absl::InvalidArgumentError(absl::StrCat("campaign.team[", i, "].role: the organiser ('", organiser,
                                                     "') leads the team: TEAM_LEADER"));
    }
    return absl::OkStatus();
  }
  google::protobuf::RepeatedPtrField<v1::TeamMember> team;
  v1::TeamMember* leader = team.Add();
  leader->set_agency_id(organiser);
  leader->set_role(v1::TEAM_LEADER);
  for (const v1::TeamMember& m : c->team()) *team.Add() = m;
  *c->mutable_team() = std::move(team);
  return absl::OkStatus();
}

}  // namespace

OversightServiceImpl::OversightServiceImpl(const ServiceContext& sc, storage::Database* db)
    : RawService(sc), sc_(sc), store_(db, sc.pipeline) {
  using O = OversightServiceImpl;
  Install(v1::OversightService::service_full_name(),
          {Unary("CreateCampaign", this, &O::DoCreateCampaign), Unary("GetCampaign", this, &O::DoGetCampaign),
           Unary("ListCampaigns", this, &O::DoListCampaigns), Unary("DrawSample", this, &O::DoDrawSample),
           Unary("AddSampleCase", this, &O::DoAddSampleCase), Unary("GetSample", this, &O::DoGetSample),
           Unary("SubmitReview", this, &O::DoSubmitReview), Unary("ListReviews", this, &O::DoListReviews),
           Unary("CreateRectification", this, &O::DoCreateRectification),
           Unary("ActOnRectification", this, &O::DoActOnRectification),
           Unary("GetRectification", this, &O::DoGetRectification),
           Unary("ListRectifications", this, &O::DoListRectifications),
           Unary("GetCampaignSummary", this, &O::DoGetCampaignSummary)});
}

absl::StatusOr<storage::OversightOutcome> OversightServiceImpl::Write(const CallScope& scope,
                                                                      storage::OversightCommand cmd,
                                                                      const std::string& campaign_id,
                                                                      const std::vector<std::string>* case_ids,
                                                                      std::function<const google::protobuf::Message*()> answer) {
  cmd.agency = scope.principal.agency_id;
  if (sc_.access_log != nullptr) {
    cmd.attach = [&](storage::CommitRequest* commit) {
      return AttachItemEntryFor(sc_, scope, campaign_id, *case_ids, answer(), commit);
    };
  }
  absl::StatusOr<storage::OversightOutcome> out = store_.Apply(cmd);
  // A failed batch stored no entry: the call's failure is logged on its own.
  if (!out.ok() && scope.record != nullptr) scope.record->logged_in_batch = false;
  return out;
}

absl::Status OversightServiceImpl::DoCreateCampaign(const CallScope& scope, const v1::CreateCampaignRequest& req,
                                                    v1::CampaignResponse* resp) {
  CASELINK_RETURN_IF_ERROR(ValidateRequestId("request_id", req.request_id()));
  const std::string& me = scope.principal.agency_id;
  if (!ActorOf(scope).Has(v1::JUSTICE)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "agency '", me, "' is not a justice bureau; only a JUSTICE agency (司法局) organises an enforcement-"
        "supervision campaign (rule: oversight organiser, oversight.proto)"));
  }
  if (!req.has_campaign()) return absl::InvalidArgumentError("campaign: is required");
  v1::Campaign campaign = req.campaign();
  const PolicyDirectory directory(scope);
  CASELINK_RETURN_IF_ERROR(workflow::ValidateCampaign(
      campaign, [&](const std::string& agency) { return !directory.RolesOf(agency).empty(); }));
  CASELINK_RETURN_IF_ERROR(PutOrganiserOnTeam(me, &campaign));
  const absl::Time now = sc_.now();
  std::string id = storage::NewCaseId(now, sc_.workflow->settings->Get()->tz);
  id[0] = kCampaignIdPrefix;
  campaign.set_id(id);
  campaign.set_organizer_agency(me);
  *campaign.mutable_create_time() = ToProtoTime(now);

  storage::OversightCommand cmd;
  cmd.request_id = req.request_id();
  cmd.request_digest = RequestDigest(req);
  cmd.lock_keys = {storage::OversightStore::LockKey(id)};
  cmd.decide = [&]() -> absl::StatusOr<storage::OversightWrite> {
    return storage::OversightWrite{{storage::OversightStore::CampaignPut(campaign)}, id, 0};
  };
  const std::vector<std::string> no_cases;
  CASELINK_ASSIGN_OR_RETURN(storage::OversightOutcome out, Write(scope, std::move(cmd), id, &no_cases, [&] { return &campaign; }));
  if (out.replayed) {
    CASELINK_ASSIGN_OR_RETURN(campaign, store_.Campaign(out.answer_id));
    if (scope.record != nullptr) scope.record->item_id = out.answer_id;
  }
  *resp->mutable_campaign() = std::move(campaign);
  resp->set_replayed(out.replayed);
  return absl::OkStatus();
}

absl::Status OversightServiceImpl::DoGetCampaign(const CallScope& scope, const v1::GetCampaignRequest& req,
                                                 v1::CampaignResponse* resp) {
  CASELINK_ASSIGN_OR_RETURN(CampaignAccess access, LoadCampaign(store_, scope, req.campaign_id()));
  *resp->mutable_campaign() = std::move(access.campaign);
  return absl::OkStatus();
}

absl::Status OversightServiceImpl::DoListCampaigns(const CallScope& scope, const v1::ListCampaignsRequest&,
                                                   v1::ListCampaignsResponse* resp) {
  CASELINK_ASSIGN_OR_RETURN(std::vector<v1::Campaign> campaigns, CampaignsVisibleTo(store_, scope));
  for (v1::Campaign& c : campaigns) *resp->add_campaigns() = std::move(c);
  return absl::OkStatus();
}

absl::Status OversightServiceImpl::DoGetCampaignSummary(const CallScope& scope, const v1::GetCampaignRequest& req,
                                                        v1::CampaignSummary* resp) {
  CASELINK_ASSIGN_OR_RETURN(*resp, BuildCampaignSummary(sc_, store_, scope, req.campaign_id()));
  return absl::OkStatus();
}

}  // namespace caselink::server
