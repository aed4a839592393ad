#include "server/meetings/meeting_service.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "caselink_common/proto_time.h"
#include "caselink_common/request_digest.h"
#include "caselink_common/status_macros.h"
#include "server/core/item_entry.h"
#include "server/core/request_validator.h"
#include "server/core/sorted_page.h"
#include "server/meetings/meeting_access.h"
#include "server/workflow/document_materials.h"
#include "server/workflow/item_answers.h"
#include "server/workflow/named_case.h"
#include "server/workflow/workflow_actor.h"
#include "server/workflow/workflow_engine.h"
#include "storage/case_id.h"
#include "workflow/item_machine.h"

namespace caselink::server {
namespace {

const std::string kService = v1::MeetingService::service_full_name();
using Strings = google::protobuf::RepeatedPtrField<std::string>;

// A real calendar day written "YYYY-MM-DD" (2024-02-30 is refused, not
// normalized to March: a typo must not move a meeting or a due date).
absl::StatusOr<absl::CivilDay> ParseDate(const std::string& field, const std::string& date) {
  if (date.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": is required (YYYY-MM-DD)"));
  absl::CivilDay day;
  if (date.size() != 10 || !absl::ParseCivilTime(date, &day) || absl::FormatCivilTime(day) != date) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": \"", date, "\" is not a real date YYYY-MM-DD"));
  }
  return day;
}

bool KnownAgency(const CallScope& scope, const std::string& id) {
  const auto& agencies = scope.authz->policy().agencies();
  return std::any_of(agencies.begin(), agencies.end(), [&](const v1::Agency& a) { return a.id() == id; });
}

absl::Status CheckAgency(const CallScope& scope, const std::string& field, const std::string& id) {
  if (id.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": is required (an agency id)"));
  if (KnownAgency(scope, id)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": '", id, "' is not an agency of the district's policy (agencies { id: … })"));
}

// Each agency once, each known.
absl::Status CheckAttendees(const CallScope& scope, const Strings& attendees) {
  for (int i = 0; i < attendees.size(); ++i) {
    const std::string field = absl::StrCat("meeting.attendees[", i, "]");
    CASELINK_RETURN_IF_ERROR(CheckAgency(scope, field, attendees[i]));
    for (int j = 0; j < i; ++j) {
      if (attendees[j] == attendees[i]) {
        return absl::InvalidArgumentError(
            absl::StrCat(field, ": '", attendees[i], "' is already listed as attendees[", j, "]"));
      }
    }
  }
  return absl::OkStatus();
}

// Each case once, each existing: an unknown id is the NOT_FOUND naming it.
// A meeting's cases need only be known to the convener (they link nobody);
// a decision item links its cases to its owner, whose reads that can widen
// (`rows { linked: true }`), so its cases must be selected by the
// convener's rules for CreateDecision (NamedCaseRule::kSelected).
absl::Status CheckCases(const ServiceContext& sc, const CallScope& scope, const std::string& field,
                        const Strings& case_ids, NamedCaseRule rule) {
  for (int i = 0; i < case_ids.size(); ++i) {
    const std::string at = absl::StrCat(field, "[", i, "]");
    for (int j = 0; j < i; ++j) {
      if (case_ids[j] == case_ids[i]) {
        return absl::InvalidArgumentError(
            absl::StrCat(at, ": case '", case_ids[i], "' is already listed as ", field, "[", j, "]"));
      }
    }
    CASELINK_RETURN_IF_ERROR(CheckNamedCase(sc, scope, at, case_ids[i], rule, ""));
  }
  return absl::OkStatus();
}

// The materials as stored: drafts they name are resolved (kind, hash, name)
// from the convener's uploads; every material says what it is.
absl::StatusOr<Materials> MeetingMaterials(const ServiceContext& sc, const CallScope& scope,
                                           const Materials& requested) {
  Materials materials = requested;
  for (int i = 0; i < materials.size(); ++i) {
    if (!v1::MaterialKind_IsValid(materials[i].kind())) {
      return absl::InvalidArgumentError(
          absl::StrCat("meeting.materials[", i, "].kind: is not a known MaterialKind"));
    }
  }
  absl::Status drafts = ResolveDraftMaterials(sc, scope.principal.agency_id, &materials);
  if (!drafts.ok()) return absl::Status(drafts.code(), absl::StrCat("meeting.", drafts.message()));
  for (int i = 0; i < materials.size(); ++i) {
    if (materials[i].title().empty() && materials[i].reference().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("meeting.materials[", i, "]: needs a title, a reference or a document_id"));
    }
  }
  return materials;
}

}  // namespace

MeetingServiceImpl::MeetingServiceImpl(const ServiceContext& sc, storage::Database* db)
    : RawService(sc), sc_(sc), store_(db, sc.pipeline) {
  using M = MeetingServiceImpl;
  Install(kService, {Unary("CreateMeeting", this, &M::DoCreateMeeting), Unary("GetMeeting", this, &M::DoGetMeeting),
                     Unary("ListMeetings", this, &M::DoListMeetings),
                     Unary("CreateDecision", this, &M::DoCreateDecision),
                     Unary("ActOnDecision", this, &M::DoActOnDecision),
                     Unary("GetDecision", this, &M::DoGetDecision),
                     Unary("ListDecisions", this, &M::DoListDecisions)});
}

absl::StatusOr<v1::Meeting> MeetingServiceImpl::VisibleMeeting(const CallScope& scope, const std::string& id) const {
  absl::StatusOr<v1::Meeting> m = store_.Get(id);
  if (absl::IsNotFound(m.status())) return MeetingNotFound(id);
  if (!m.ok()) return m.status();
  if (!CanSeeMeeting(ActorOf(scope), *m)) return MeetingNotFound(id);
  return m;
}

absl::Status MeetingServiceImpl::DoCreateMeeting(const CallScope& scope, const v1::CreateMeetingRequest& req,
                                                 v1::MeetingResponse* resp) {
  CASELINK_RETURN_IF_ERROR(ValidateRequestId("request_id", req.request_id()));
  const v1::Meeting& in = req.meeting();
  if (in.kind() == v1::MEETING_KIND_UNSPECIFIED || !v1::MeetingKind_IsValid(in.kind())) {
    return absl::InvalidArgumentError(
        "meeting.kind: is required (MEETING_JOINT, MEETING_BRIEFING, MEETING_COORDINATION, MEETING_SYMPOSIUM, "
        "MEETING_ANALYSIS or MEETING_MAJOR_CASE_CONSULT)");
  }
  if (in.title().empty()) return absl::InvalidArgumentError("meeting.title: is required");
  CASELINK_RETURN_IF_ERROR(ParseDate("meeting.date", in.date()).status());
  CASELINK_RETURN_IF_ERROR(CheckAttendees(scope, in.attendees()));
  CASELINK_RETURN_IF_ERROR(CheckCases(sc_, scope, "meeting.case_ids", in.case_ids(), NamedCaseRule::kKnown));

  const absl::Time now = sc_.now();
  storage::CreateMeetingCommand cmd;
  cmd.agency = scope.principal.agency_id;
  cmd.request_id = req.request_id();
  cmd.request_digest = RequestDigest(req);
  cmd.meeting_id = storage::NewCaseId(now, sc_.workflow->settings->Get()->tz);
  cmd.meeting_id[0] = kMeetingIdPrefix;
  // Drafts are resolved only for a new request: a retry is answered from
  // the stored meeting even after its drafts were attached.
  cmd.build = [&](storage::CommitRequest* commit) -> absl::StatusOr<v1::Meeting> {
    v1::Meeting m;
    m.set_id(cmd.meeting_id);
    m.set_kind(in.kind());
    m.set_title(in.title());
    m.set_date(in.date());
    m.set_convener_agency(scope.principal.agency_id);
    *m.mutable_attendees() = in.attendees();
    *m.mutable_case_ids() = in.case_ids();
    m.set_summary(in.summary());
    CASELINK_ASSIGN_OR_RETURN(*m.mutable_materials(), MeetingMaterials(sc_, scope, in.materials()));
    *m.mutable_create_time() = ToProtoTime(now);
    // The 会议纪要 uploaded as a draft becomes the meeting's document in
    // the meeting's own batch, as a workflow creation attaches its drafts.
    CASELINK_ASSIGN_OR_RETURN(std::vector<storage::Put> attached,
                              AttachDrafts(sc_, m.id(), now, m.mutable_materials()));
    for (storage::Put& p : attached) commit->puts.push_back(std::move(p));
    if (sc_.access_log != nullptr) {
      const std::vector<std::string> cases(m.case_ids().begin(), m.case_ids().end());
      CASELINK_RETURN_IF_ERROR(AttachItemEntryFor(sc_, scope, m.id(), cases, &m, commit));
    }
    return m;
  };
  absl::StatusOr<storage::CreateMeetingOutcome> out = store_.Create(cmd);
  if (!out.ok()) {
    scope.record->logged_in_batch = false;  // the failure is logged as the call's entry
    return out.status();
  }
  // A replay's entry is written by ConcludeCall: it names what it returned.
  scope.record->item_id = out->meeting.id();
  *resp->mutable_meeting() = std::move(out->meeting);
  resp->set_replayed(out->replayed);
  return absl::OkStatus();
}

absl::Status MeetingServiceImpl::DoGetMeeting(const CallScope& scope, const v1::GetMeetingRequest& req,
                                              v1::GetMeetingResponse* resp) {
  CASELINK_RETURN_IF_ERROR(ValidateCaseId("meeting_id", req.meeting_id()));
  scope.record->item_id = req.meeting_id();
  CASELINK_ASSIGN_OR_RETURN(*resp->mutable_meeting(), VisibleMeeting(scope, req.meeting_id()));
  // Decision items are few; each shows only to those who may see it.
  const workflow::Actor actor = ActorOf(scope);
  const absl::Time now = sc_.now();
  absl::Status parsed;
  CASELINK_RETURN_IF_ERROR(sc_.workflow->store->ScanHeads(
      storage::Table::kDecisions, "", [&](const std::string&, const std::string& bytes) {
        v1::DecisionItem d;
        if (!d.ParseFromString(bytes)) {
          parsed = absl::DataLossError("a stored decision item (table decisions) is corrupted");
          return false;
        }
        if (d.meeting_id() != req.meeting_id() || !workflow::CanSee(actor, d)) return true;
        workflow::MarkOverdue(now, &d);
        *resp->add_decisions() = std::move(d);
        return true;
      }));
  return parsed;
}

absl::Status MeetingServiceImpl::DoListMeetings(const CallScope& scope, const v1::ListMeetingsRequest& req,
                                                v1::ListMeetingsResponse* resp) {
  // Dates "YYYY-MM-DD" order as strings once checked.
  if (!req.from_date().empty()) CASELINK_RETURN_IF_ERROR(ParseDate("from_date", req.from_date()).status());
  if (!req.to_date().empty()) CASELINK_RETURN_IF_ERROR(ParseDate("to_date", req.to_date()).status());
  if (!req.from_date().empty() && !req.to_date().empty() && req.to_date() <= req.from_date()) {
    return absl::InvalidArgumentError(absl::StrCat("to_date: ", req.to_date(), " must be after from_date ",
                                                   req.from_date(), " (the range is [from_date, to_date))"));
  }
  const workflow::Actor actor = ActorOf(scope);
  std::vector<v1::Meeting> visible;
  CASELINK_RETURN_IF_ERROR(store_.ForEach([&](const v1::Meeting& m) {
    if (!req.from_date().empty() && m.date() < req.from_date()) return true;
    if (!req.to_date().empty() && m.date() >= req.to_date()) return true;
    if (CanSeeMeeting(actor, m)) visible.push_back(m);
    return true;
  }));
  // Newest date first; on one day, the later record first (ids sort by day,
  // so the creation time decides).
  auto key = [](const v1::Meeting& m) {
    return absl::StrFormat("%s|%020d|%09d|%s", m.date(), m.create_time().seconds(), m.create_time().nanos(), m.id());
  };
  return ServeSortedPage(sc_, PageScope::For(scope, req), req.page_size(), req.page_token(), std::move(visible), key,
                         SortOrder::kDescending, resp->mutable_meetings(), resp->mutable_next_page_token());
}

absl::Status MeetingServiceImpl::DoCreateDecision(const CallScope& scope, const v1::CreateDecisionRequest& req,
                                                  v1::DecisionResponse* resp) {
  CASELINK_RETURN_IF_ERROR(ValidateRequestId("request_id", req.request_id()));
  CASELINK_RETURN_IF_ERROR(ValidateCaseId("meeting_id", req.meeting_id()));
  CASELINK_ASSIGN_OR_RETURN(const v1::Meeting meeting, VisibleMeeting(scope, req.meeting_id()));
  if (meeting.convener_agency() != scope.principal.agency_id) {
    return absl::PermissionDeniedError(absl::StrCat(
        "only the convener of meeting '", meeting.id(), "' (agency '", meeting.convener_agency(),
        "') assigns its decision items; agency '", scope.principal.agency_id, "' did not convene it"));
  }
  CASELINK_RETURN_IF_ERROR(CheckAgency(scope, "owner_agency", req.owner_agency()));
  if (req.subject().empty()) return absl::InvalidArgumentError("subject: is required (what was decided)");
  CASELINK_ASSIGN_OR_RETURN(const absl::CivilDay due, ParseDate("due_date", req.due_date()));
  CASELINK_ASSIGN_OR_RETURN(const absl::CivilDay held, ParseDate("meeting.date", meeting.date()));
  if (due < held) {
    return absl::InvalidArgumentError(absl::StrCat("due_date: ", req.due_date(), " is before the date of meeting '",
                                                   meeting.id(), "' (", meeting.date(), ")"));
  }
  CASELINK_RETURN_IF_ERROR(CheckCases(sc_, scope, "case_ids", req.case_ids(), NamedCaseRule::kSelected));
  v1::DecisionItem draft;
  draft.set_meeting_id(meeting.id());
  draft.set_receiver_agency(req.owner_agency());
  draft.set_subject(req.subject());
  draft.set_due_date(req.due_date());
  *draft.mutable_case_ids() = req.case_ids();
  // The item starts when it was decided: the meeting's day, 00:00.
  *draft.mutable_service_time() = ToProtoTime(absl::FromCivil(held, sc_.workflow->settings->Get()->tz));
  return AnswerOutcome(scope, CreateItem(sc_, scope, req, req.request_id(), std::move(draft)),
                       &v1::DecisionResponse::mutable_decision, resp);
}

absl::Status MeetingServiceImpl::DoActOnDecision(const CallScope& scope, const v1::WorkflowActionRequest& req,
                                                 v1::DecisionResponse* resp) {
  return AnswerAction(sc_, scope, req, &v1::DecisionResponse::mutable_decision, resp);
}

absl::Status MeetingServiceImpl::DoGetDecision(const CallScope& scope, const v1::GetItemRequest& req,
                                               v1::GetDecisionResponse* resp) {
  return AnswerGet(sc_, scope, req.id(), &v1::GetDecisionResponse::mutable_decision, resp);
}

absl::Status MeetingServiceImpl::DoListDecisions(const CallScope& scope, const v1::ListItemsRequest& req,
                                                 v1::ListDecisionsResponse* resp) {
  return AnswerList(sc_, scope, req, &v1::ListDecisionsResponse::mutable_decisions, resp);
}

}  // namespace caselink::server
