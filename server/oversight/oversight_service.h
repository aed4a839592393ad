// OversightService (oversight.proto): the justice bureau's enforcement-
// supervision campaigns, their sample, the team's case reviews, rectification
// notices (workflow items, through the workflow engine) and the summary. The
// policy grants the RPCs; who may do what within a campaign is decided here
// (campaign_access.h). Every write is one batch with its access-log entry;
// every answer naming cases names them in the call's entry.
#pragma once

#include <functional>

#include "caselink/v1/oversight.grpc.pb.h"
#include "server/core/raw_service.h"
#include "server/core/service_context.h"
#include "server/workflow/item_answers.h"
#include "storage/oversight_store.h"

namespace caselink::server {

class OversightServiceImpl final : public RawService {
 public:
  // Registers caselink.v1.OversightService's methods; the campaigns are kept
  // in `db`, written through sc.pipeline. Both must outlive the service.
  OversightServiceImpl(const ServiceContext& sc, storage::Database* db);

  // For readers outside the service (BuildCampaignSummary).
  const storage::OversightStore& store() const { return store_; }

 private:
  absl::Status DoCreateCampaign(const CallScope& scope, const v1::CreateCampaignRequest& req,
                                v1::CampaignResponse* resp);
  absl::Status DoGetCampaign(const CallScope& scope, const v1::GetCampaignRequest& req, v1::CampaignResponse* resp);
  absl::Status DoListCampaigns(const CallScope& scope, const v1::ListCampaignsRequest& req,
                               v1::ListCampaignsResponse* resp);
  // oversight_sample.cc
  absl::Status DoDrawSample(const CallScope& scope, const v1::DrawSampleRequest& req, v1::SampleResponse* resp);
  absl::Status DoAddSampleCase(const CallScope& scope, const v1::AddSampleCaseRequest& req,
                               v1::SampleResponse* resp);
  absl::Status DoGetSample(const CallScope& scope, const v1::GetCampaignRequest& req, v1::SampleResponse* resp);
  // oversight_reviews.cc
  absl::Status DoSubmitReview(const CallScope& scope, const v1::SubmitReviewRequest& req, v1::ReviewResponse* resp);
  absl::Status DoListReviews(const CallScope& scope, const v1::ListReviewsRequest& req,
                             v1::ListReviewsResponse* resp);
  // oversight_rectifications.cc
  absl::Status DoCreateRectification(const CallScope& scope, const v1::CreateRectificationRequest& req,
                                     v1::RectificationResponse* resp);
  absl::Status DoActOnRectification(const CallScope& scope, const v1::WorkflowActionRequest& req,
                                    v1::RectificationResponse* resp);
  absl::Status DoGetRectification(const CallScope& scope, const v1::GetItemRequest& req,
                                  v1::GetRectificationResponse* resp);
  absl::Status DoListRectifications(const CallScope& scope, const v1::ListItemsRequest& req,
                                    v1::ListRectificationsResponse* resp);
  absl::Status DoGetCampaignSummary(const CallScope& scope, const v1::GetCampaignRequest& req,
                                    v1::CampaignSummary* resp);

  // Runs `cmd` through the store with the call's access-log entry in its
  // batch, naming the campaign and `*case_ids` (read after `decide` ran),
  // and what `answer()` (after `decide`; may return null) will show.
  absl::StatusOr<storage::OversightOutcome> Write(const CallScope& scope, storage::OversightCommand cmd,
                                                  const std::string& campaign_id,
                                                  const std::vector<std::string>* case_ids,
                                                  std::function<const google::protobuf::Message*()> answer);

  const ServiceContext& sc_;
  storage::OversightStore store_;
};

}  // namespace caselink::server
