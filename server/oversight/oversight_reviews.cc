// OversightService: case reviews (案件评查). A review is scored by
// workflow::ScoreReview; each submission is a new version of the reviewer's
// review of the case, the earlier ones kept.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "caselink_common/proto_time.h"
#include "caselink_common/request_digest.h"
#include "caselink_common/status_macros.h"
#include "server/core/request_validator.h"
#include "server/core/sorted_page.h"
#include "server/oversight/campaign_access.h"
#include "server/oversight/oversight_service.h"

#include "workflow/campaign_rules.h"

namespace caselink::server {

absl::Status OversightServiceImpl::DoSubmitReview(const CallScope& scope, const v1::SubmitReviewRequest& req,
                                                  v1::ReviewResponse* resp) {
  CASELINK_RETURN_IF_ERROR(ValidateRequestId("request_id", req.request_id()));
  CASELINK_ASSIGN_OR_RETURN(const CampaignAccess access, LoadCampaign(store_, scope, req.campaign_id()));
  const std::string& me = scope.principal.agency_id;
  CASELINK_RETURN_IF_ERROR(RequireTeam(access, me, "review cases"));
  const std::string& id = access.campaign.id();
  CASELINK_RETURN_IF_ERROR(ValidateCaseId("case_id", req.case_id()));
  CASELINK_ASSIGN_OR_RETURN(std::optional<v1::Sample> sample, store_.Sample(id));
  if (!sample.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "campaign '", id, "' has no sample yet; cases are reviewed once the organiser has drawn it (DrawSample)"));
  }
  const v1::SampledCase* sampled = nullptr;
  for (const v1::SampledCase& s : sample->cases()) {
    if (s.case_id() == req.case_id()) sampled = &s;
  }
  if (sampled == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("case_id: case '", req.case_id(), "' is not in the sample of campaign '", id,
                     "'; a team member adds it by hand first (AddSampleCase, with a reason)"));
  }
  CASELINK_ASSIGN_OR_RETURN(const workflow::ReviewScore score,
                            workflow::ScoreReview(access.campaign, req.scores(), req.findings()));

  v1::Review review;
  const std::vector<std::string> cases = {req.case_id()};
  storage::OversightCommand cmd;
  cmd.request_id = req.request_id();
  cmd.request_digest = RequestDigest(req);
  cmd.lock_keys = {absl::StrCat("review:", id, "/", req.case_id(), "/", me)};
  cmd.decide = [&]() -> absl::StatusOr<storage::OversightWrite> {
    int64_t version = 1;
    absl::StatusOr<v1::Review> latest = store_.Review(id, req.case_id(), me, 0);
    if (latest.ok()) {
      version = latest->version() + 1;
    } else if (!absl::IsNotFound(latest.status())) {
      return latest.status();
    }
    review.set_id(absl::StrCat(id, "/", req.case_id(), "/", me, "/v", version));
    review.set_campaign_id(id);
    review.set_case_id(req.case_id());
    review.set_reviewer_agency(me);
    review.set_case_agency(sampled->agency_id());
    *review.mutable_scores() = req.scores();
    *review.mutable_findings() = req.findings();
    for (int i = 0; i < review.findings_size(); ++i) {
      review.mutable_findings(i)->set_id(absl::StrCat(review.id(), "-", i + 1));
    }
    review.set_comment(req.comment());
    review.set_total_centi(score.total_centi);
    review.set_grade(score.grade);
    review.set_version(version);
    *review.mutable_review_time() = ToProtoTime(sc_.now());
    return storage::OversightWrite{{storage::OversightStore::ReviewPut(review)}, review.id(), version};
  };
  CASELINK_ASSIGN_OR_RETURN(const storage::OversightOutcome out, Write(scope, std::move(cmd), id, &cases, [&] { return &review; }));
  if (out.replayed) {
    CASELINK_ASSIGN_OR_RETURN(review, store_.Review(id, req.case_id(), me, out.version));
  }
  *resp->mutable_review() = std::move(review);
  resp->set_replayed(out.replayed);
  return absl::OkStatus();
}

absl::Status OversightServiceImpl::DoListReviews(const CallScope& scope, const v1::ListReviewsRequest& req,
                                                 v1::ListReviewsResponse* resp) {
  CASELINK_ASSIGN_OR_RETURN(const CampaignAccess access, LoadCampaign(store_, scope, req.campaign_id()));
  if (!req.case_id().empty()) CASELINK_RETURN_IF_ERROR(ValidateCaseId("case_id", req.case_id()));
  CASELINK_ASSIGN_OR_RETURN(std::vector<v1::Review> reviews,
                            store_.Reviews(access.campaign.id(), req.case_id(), req.history()));
  std::vector<v1::Review> visible;
  for (v1::Review& r : reviews) {
    // An inspected agency reads the reviews of its own cases only.
    if (!access.full_view() && r.case_agency() != scope.principal.agency_id) continue;
    visible.push_back(std::move(r));
  }
  // By case, reviewer, then version (a number, not its text: v10 after v9).
  auto key = [](const v1::Review& r) {
    return absl::StrFormat("%s|%s|%020d", r.case_id(), r.reviewer_agency(), r.version());
  };
  return ServeSortedPage(sc_, PageScope::For(scope, req), req.page_size(), req.page_token(), std::move(visible), key,
                         SortOrder::kAscending, resp->mutable_reviews(), resp->mutable_next_page_token());
}

}  // namespace caselink::server
