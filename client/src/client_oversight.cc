// Client methods of OversightService: one line each through the generic UnaryCall;
// mutating calls get a request_id fixed before the first attempt.
#include "caselink/client.h"
#include "caselink/request_id.h"
#include "client_impl.h"
#include "unary_call.h"

namespace caselink {

using OversightStub = v1::OversightService::Stub;

absl::StatusOr<v1::CampaignResponse> Client::CreateCampaign(v1::CreateCampaignRequest request) {
  if (request.request_id().empty()) request.set_request_id(NewRequestId());
  return client_internal::UnaryCall(*impl_->oversight, &OversightStub::CreateCampaign, request, options_.deadline);
}

absl::StatusOr<v1::CampaignResponse> Client::GetCampaign(const v1::GetCampaignRequest& request) {
  return client_internal::UnaryCall(*impl_->oversight, &OversightStub::GetCampaign, request, options_.deadline);
}

absl::StatusOr<v1::ListCampaignsResponse> Client::ListCampaigns(const v1::ListCampaignsRequest& request) {
  return client_internal::UnaryCall(*impl_->oversight, &OversightStub::ListCampaigns, request, options_.deadline);
}

absl::StatusOr<v1::SampleResponse> Client::DrawSample(v1::DrawSampleRequest request) {
  if (request.request_id().empty()) request.set_request_id(NewRequestId());
  return client_internal::UnaryCall(*impl_->oversight, &OversightStub::DrawSample, request, options_.deadline);
}

absl::StatusOr<v1::SampleResponse> Client::AddSampleCase(v1::AddSampleCaseRequest request) {
  if (request.request_id().empty()) request.set_request_id(NewRequestId());
  return client_internal::UnaryCall(*impl_->oversight, &OversightStub::AddSampleCase, request, options_.deadline);
}

absl::StatusOr<v1::SampleResponse> Client::GetSample(const v1::GetCampaignRequest& request) {
  return client_internal::UnaryCall(*impl_->oversight, &OversightStub::GetSample, request, options_.deadline);
}

absl::StatusOr<v1::ReviewResponse> Client::SubmitReview(v1::SubmitReviewRequest request) {
  if (request.request_id().empty()) request.set_request_id(NewRequestId());
  return client_internal::UnaryCall(*impl_->oversight, &OversightStub::SubmitReview, request, options_.deadline);
}

absl::StatusOr<v1::ListReviewsResponse> Client::ListReviews(const v1::ListReviewsRequest& request) {
  return client_internal::UnaryCall(*impl_->oversight, &OversightStub::ListReviews, request, options_.deadline);
}

absl::StatusOr<v1::RectificationResponse> Client::CreateRectification(v1::CreateRectificationRequest request) {
  if (request.request_id().empty()) request.set_request_id(NewRequestId());
  return client_internal::UnaryCall(*impl_->oversight, &OversightStub::CreateRectification, request, options_.deadline);
}

absl::StatusOr<v1::RectificationResponse> Client::ActOnRectification(v1::WorkflowActionRequest request) {
  if (request.request_id().empty()) request.set_request_id(NewRequestId());
  return client_internal::UnaryCall(*impl_->oversight, &OversightStub::ActOnRectification, request, options_.deadline);
}

absl::StatusOr<v1::GetRectificationResponse> Client::GetRectification(const v1::GetItemRequest& request) {
  return client_internal::UnaryCall(*impl_->oversight, &OversightStub::GetRectification, request, options_.deadline);
}

absl::StatusOr<v1::ListRectificationsResponse> Client::ListRectifications(const v1::ListItemsRequest& request) {
  return client_internal::UnaryCall(*impl_->oversight, &OversightStub::ListRectifications, request, options_.deadline);
}

absl::StatusOr<v1::CampaignSummary> Client::GetCampaignSummary(const v1::GetCampaignRequest& request) {
  return client_internal::UnaryCall(*impl_->oversight, &OversightStub::GetCampaignSummary, request, options_.deadline);
}

}  // namespace caselink
