// MeetingService (meeting.proto): joint meetings and consultations, recorded
// once by their convener, and their decision items, which are workflow items
// (v1::DecisionItem) run by the generic engine (workflow_engine.h). A meeting
// is seen per meeting_access.h; every call is in the access log with the
// meeting (item_id) and the cases it returned or linked.
#pragma once

#include <memory>

#include "caselink/v1/meeting.grpc.pb.h"
#include "server/core/raw_service.h"
#include "server/core/service_context.h"
#include "storage/meeting_store.h"

namespace caselink::server {

class MeetingServiceImpl final : public RawService {
 public:
  // Registers caselink.v1.MeetingService's methods; meetings are stored in
  // `db` through sc.pipeline. Everything passed must outlive the service.
  MeetingServiceImpl(const ServiceContext& sc, storage::Database* db);

 private:
  absl::Status DoCreateMeeting(const CallScope& scope, const v1::CreateMeetingRequest& req,
                               v1::MeetingResponse* resp);
  absl::Status DoGetMeeting(const CallScope& scope, const v1::GetMeetingRequest& req, v1::GetMeetingResponse* resp);
  absl::Status DoListMeetings(const CallScope& scope, const v1::ListMeetingsRequest& req,
                              v1::ListMeetingsResponse* resp);
  absl::Status DoCreateDecision(const CallScope& scope, const v1::CreateDecisionRequest& req,
                                v1::DecisionResponse* resp);
  absl::Status DoActOnDecision(const CallScope& scope, const v1::WorkflowActionRequest& req,
                               v1::DecisionResponse* resp);
  absl::Status DoGetDecision(const CallScope& scope, const v1::GetItemRequest& req, v1::GetDecisionResponse* resp);
  absl::Status DoListDecisions(const CallScope& scope, const v1::ListItemsRequest& req,
                               v1::ListDecisionsResponse* resp);

  // The meeting if the caller may see it, else MeetingNotFound.
  absl::StatusOr<v1::Meeting> VisibleMeeting(const CallScope& scope, const std::string& id) const;

  const ServiceContext& sc_;
  storage::MeetingStore store_;
};

}  // namespace caselink::server
