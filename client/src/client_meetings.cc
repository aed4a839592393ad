// Client methods of MeetingService and CaseService.MarkMajor: one line each through the generic UnaryCall;
// mutating calls get a request_id fixed before the first attempt.
#include "caselink/client.h"
#include "caselink/request_id.h"
#include "client_impl.h"
#include "unary_call.h"

namespace caselink {

using MeetingStub = v1::MeetingService::Stub;

absl::StatusOr<v1::MeetingResponse> Client::CreateMeeting(v1::CreateMeetingRequest request) {
  if (request.request_id().empty()) request.set_request_id(NewRequestId());
  return client_internal::UnaryCall(*impl_->meetings, &MeetingStub::CreateMeeting, request, options_.deadline);
}

absl::StatusOr<v1::GetMeetingResponse> Client::GetMeeting(const v1::GetMeetingRequest& request) {
  return client_internal::UnaryCall(*impl_->meetings, &MeetingStub::GetMeeting, request, options_.deadline);
}

absl::StatusOr<v1::ListMeetingsResponse> Client::ListMeetings(const v1::ListMeetingsRequest& request) {
  return client_internal::UnaryCall(*impl_->meetings, &MeetingStub::ListMeetings, request, options_.deadline);
}

absl::StatusOr<v1::DecisionResponse> Client::CreateDecision(v1::CreateDecisionRequest request) {
  if (request.request_id().empty()) request.set_request_id(NewRequestId());
  return client_internal::UnaryCall(*impl_->meetings, &MeetingStub::CreateDecision, request, options_.deadline);
}

absl::StatusOr<v1::DecisionResponse> Client::ActOnDecision(v1::WorkflowActionRequest request) {
  if (request.request_id().empty()) request.set_request_id(NewRequestId());
  return client_internal::UnaryCall(*impl_->meetings, &MeetingStub::ActOnDecision, request, options_.deadline);
}

absl::StatusOr<v1::GetDecisionResponse> Client::GetDecision(const v1::GetItemRequest& request) {
  return client_internal::UnaryCall(*impl_->meetings, &MeetingStub::GetDecision, request, options_.deadline);
}

absl::StatusOr<v1::ListDecisionsResponse> Client::ListDecisions(const v1::ListItemsRequest& request) {
  return client_internal::UnaryCall(*impl_->meetings, &MeetingStub::ListDecisions, request, options_.deadline);
}

absl::StatusOr<v1::SubmitCaseResponse> Client::MarkMajor(v1::MarkMajorRequest request) {
  if (request.request_id().empty()) request.set_request_id(NewRequestId());
  return client_internal::UnaryCall(*impl_->cases, &v1::CaseService::Stub::MarkMajor, request, options_.deadline);
}

}  // namespace caselink
