// OversightService: rectification notices (整改通知). The campaign decides
// who may issue one and on what (sampled cases of the receiver, findings of
// their reviews); the item and its flow (整改报告, 验收, 退回) are the
// workflow engine's, which writes events, the access-log entry and links.
#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "caselink_common/proto_time.h"
#include "caselink_common/status_macros.h"
#include "server/core/request_validator.h"
#include "server/oversight/campaign_access.h"
#include "server/oversight/oversight_service.h"
#include "server/workflow/document_materials.h"
#include "server/workflow/workflow_engine.h"

namespace caselink::server {
namespace {

// Documents a notice names are the issuer's drafts (document_materials.h).
absl::StatusOr<Materials> NoticeMaterials(const ServiceContext& sc, const CallScope& scope,
                                          const Materials& requested) {
  Materials materials = requested;
  CASELINK_RETURN_IF_ERROR(ResolveDraftMaterials(sc, scope.principal.agency_id, &materials));
  for (int i = 0; i < materials.size(); ++i) {
    if (materials[i].title().empty() && materials[i].reference().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("materials[", i, "]: needs a title, a reference or a document_id"));
    }
  }
  return materials;
}

// "YYYY-MM-DD", a real day, not before today in the district's zone.
absl::Status CheckDueDate(const std::string& due, absl::Time now, absl::TimeZone tz) {
  absl::CivilDay day;
  if (due.size() != 10 || !absl::ParseCivilTime(due, &day)) {
    return absl::InvalidArgumentError(absl::StrCat("due_date: \"", due, "\" is not a date YYYY-MM-DD"));
  }
  const absl::CivilDay today = absl::ToCivilDay(now, tz);
  if (day < today) {
    return absl::InvalidArgumentError(absl::StrCat("due_date: ", due, " is before today (",
                                                   absl::FormatCivilTime(today), " in the district's time zone)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status OversightServiceImpl::DoCreateRectification(const CallScope& scope,
                                                         const v1::CreateRectificationRequest& req,
                                                         v1::RectificationResponse* resp) {
  CASELINK_RETURN_IF_ERROR(ValidateRequestId("request_id", req.request_id()));
  CASELINK_ASSIGN_OR_RETURN(const CampaignAccess access, LoadCampaign(store_, scope, req.campaign_id()));
  CASELINK_RETURN_IF_ERROR(RequireOrganiser(access, scope.principal.agency_id, "issue rectification notices"));
  const v1::Campaign& campaign = access.campaign;
  const auto& inspected = campaign.agencies();
  if (std::find(inspected.begin(), inspected.end(), req.receiver_agency()) == inspected.end()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "receiver_agency: '", req.receiver_agency(), "' is not inspected by campaign '", campaign.id(),
        "' (its agencies: ", absl::StrJoin(inspected, ", "), ")"));
  }
  if (req.case_ids().empty()) {
    return absl::InvalidArgumentError("case_ids: name at least one sampled case of the receiver");
  }
  CASELINK_ASSIGN_OR_RETURN(std::optional<v1::Sample> sample, store_.Sample(campaign.id()));
  if (!sample.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat("campaign '", campaign.id(), "' has no sample yet"));
  }
  std::set<std::string> named;
  for (int i = 0; i < req.case_ids_size(); ++i) {
    const std::string& case_id = req.case_ids(i);
    const std::string field = absl::StrCat("case_ids[", i, "]");
    CASELINK_RETURN_IF_ERROR(ValidateCaseId(field, case_id));
    if (!named.insert(case_id).second) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": case '", case_id, "' is named twice"));
    }
    auto s = std::find_if(sample->cases().begin(), sample->cases().end(),
                          [&](const v1::SampledCase& c) { return c.case_id() == case_id; });
    if (s == sample->cases().end()) {
      return absl::FailedPreconditionError(absl::StrCat(field, ": case '", case_id,
                                                        "' is not in the sample of campaign '", campaign.id(), "'"));
    }
    if (s->agency_id() != req.receiver_agency()) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": case '", case_id, "' belongs to '", s->agency_id(),
                                                     "', not to the receiver '", req.receiver_agency(), "'"));
    }
  }
  if (req.subject().empty()) {
    return absl::InvalidArgumentError("subject: is required (the problems found and what must be rectified)");
  }
  CASELINK_RETURN_IF_ERROR(CheckDueDate(req.due_date(), sc_.now(), sc_.workflow->settings->Get()->tz));
  // A notice answers findings of the latest reviews of its cases.
  std::set<std::string> findings;
  for (const std::string& case_id : named) {
    CASELINK_ASSIGN_OR_RETURN(std::vector<v1::Review> reviews, store_.Reviews(campaign.id(), case_id, false));
    for (const v1::Review& r : reviews) {
      for (const v1::Finding& f : r.findings()) findings.insert(f.id());
    }
  }
  for (int i = 0; i < req.finding_refs_size(); ++i) {
    if (findings.count(req.finding_refs(i)) == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("finding_refs[", i, "]: '", req.finding_refs(i),
                       "' is not a finding of the latest reviews of the notice's cases"));
    }
  }
  CASELINK_ASSIGN_OR_RETURN(Materials materials, NoticeMaterials(sc_, scope, req.materials()));

  v1::Rectification draft;
  draft.set_campaign_id(campaign.id());
  draft.set_receiver_agency(req.receiver_agency());
  *draft.mutable_case_ids() = req.case_ids();
  draft.set_subject(req.subject());
  *draft.mutable_materials() = std::move(materials);
  draft.set_document_number(req.document_number());
  draft.set_due_date(req.due_date());
  *draft.mutable_finding_refs() = req.finding_refs();
  *draft.mutable_service_time() = ToProtoTime(sc_.now());
  return AnswerOutcome(scope, CreateItem(sc_, scope, req, req.request_id(), std::move(draft)),
                       &v1::RectificationResponse::mutable_rectification, resp);
}

absl::Status OversightServiceImpl::DoActOnRectification(const CallScope& scope, const v1::WorkflowActionRequest& req,
                                                        v1::RectificationResponse* resp) {
  return AnswerAction(sc_, scope, req, &v1::RectificationResponse::mutable_rectification, resp);
}

absl::Status OversightServiceImpl::DoGetRectification(const CallScope& scope, const v1::GetItemRequest& req,
                                                      v1::GetRectificationResponse* resp) {
  return AnswerGet(sc_, scope, req.id(), &v1::GetRectificationResponse::mutable_rectification, resp);
}

absl::Status OversightServiceImpl::DoListRectifications(const CallScope& scope, const v1::ListItemsRequest& req,
                                                        v1::ListRectificationsResponse* resp) {
  return AnswerList(sc_, scope, req, &v1::ListRectificationsResponse::mutable_rectifications, resp);
}

}  // namespace caselink::server
