#include "workflow/workflow_rules.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace caselink::workflow {
namespace {

using v1::WorkflowAction;
using v1::WorkflowState;
constexpr uint8_t R = kNeedsReason, M = kNeedsMaterials, L = kNeedsLinkedCase, N = kNeedsNothing,
                  D = kNeedsAdoption, A = kNeedsApprover, F = kNeedsForwardTo;
constexpr Clock K = Clock::kKeep, X = Clock::kExtend;

// Columns: from, action, to, who, needs, only within the current state's
// period, event also to the procuratorate, what happens to the deadline.
// docs/workflow.md quotes the article behind each row.

// --- 正向移送: enforcement agency -> police (国务院令第310号). ----------------
constexpr TransitionRule kForward[] = {
    {v1::STATE_SENT, v1::ACTION_ACCEPT, v1::STATE_ACCEPTED, kReceiver, N, false, false},
    {v1::STATE_SENT, v1::ACTION_REFUSE, v1::STATE_REFUSED, kReceiver, R, false, true},
    {v1::STATE_SENT, v1::ACTION_RETURN_FOR_MATERIAL, v1::STATE_RETURNED, kReceiver, R, false, false},
    {v1::STATE_SENT, v1::ACTION_ISSUE_RECEIPT, v1::STATE_SENT, kReceiver, N, false, false, K},
    {v1::STATE_SENT, v1::ACTION_EXTEND_DECISION, v1::STATE_SENT, kReceiver, R | A, true, false, X},
    {v1::STATE_SENT, v1::ACTION_FORWARD_TO_COMPETENT, v1::STATE_SENT, kReceiver, R | F, false, false},
    {v1::STATE_RETURNED, v1::ACTION_RESUBMIT, v1::STATE_SENT, kSender, M, false, false},
    {v1::STATE_RETURNED, v1::ACTION_WITHDRAW, v1::STATE_WITHDRAWN, kSender, R, false, false},
    {v1::STATE_REFUSED, v1::ACTION_REQUEST_RECONSIDERATION, v1::STATE_RECONSIDERATION_REQUESTED, kSender, R, true, false},
    {v1::STATE_REFUSED, v1::ACTION_REQUEST_SUPERVISION, v1::STATE_SUPERVISION_REQUESTED, kSender, R, true, true},
    {v1::STATE_REFUSED, v1::ACTION_OPEN_SUPERVISION, v1::STATE_UNDER_SUPERVISION, kProcuratorate, R, false, false},
    {v1::STATE_REFUSED, v1::ACTION_LINK_PENALTY, v1::STATE_REFUSED, kSender, L, false, false, K},
    {v1::STATE_RECONSIDERATION_REQUESTED, v1::ACTION_ACCEPT, v1::STATE_ACCEPTED, kReceiver, N, false, false},
    {v1::STATE_RECONSIDERATION_REQUESTED, v1::ACTION_UPHOLD_REFUSAL, v1::STATE_REFUSAL_UPHELD, kReceiver, R, false, true},
    {v1::STATE_REFUSAL_UPHELD, v1::ACTION_REQUEST_SUPERVISION, v1::STATE_SUPERVISION_REQUESTED, kSender, R, true, true},
    {v1::STATE_REFUSAL_UPHELD, v1::ACTION_OPEN_SUPERVISION, v1::STATE_UNDER_SUPERVISION, kProcuratorate, R, false, false},
    {v1::STATE_REFUSAL_UPHELD, v1::ACTION_LINK_PENALTY, v1::STATE_REFUSAL_UPHELD, kSender, L, false, false, K},
    {v1::STATE_SUPERVISION_REQUESTED, v1::ACTION_OPEN_SUPERVISION, v1::STATE_UNDER_SUPERVISION, kProcuratorate, R, false, false},
    {v1::STATE_SUPERVISION_REQUESTED, v1::ACTION_DECLINE_SUPERVISION, v1::STATE_SUPERVISION_CLOSED, kProcuratorate, R, false, false},
    {v1::STATE_UNDER_SUPERVISION, v1::ACTION_ACCEPT, v1::STATE_ACCEPTED, kReceiver, N, false, false},
    {v1::STATE_UNDER_SUPERVISION, v1::ACTION_REQUIRE_EXPLANATION, v1::STATE_EXPLANATION_REQUIRED, kProcuratorate, R, false, false},
    {v1::STATE_UNDER_SUPERVISION, v1::ACTION_NOTIFY_FILING, v1::STATE_FILING_NOTIFIED, kProcuratorate, R, false, false},
    {v1::STATE_UNDER_SUPERVISION, v1::ACTION_CLOSE_SUPERVISION, v1::STATE_SUPERVISION_CLOSED, kProcuratorate, R, false, false},
    {v1::STATE_EXPLANATION_REQUIRED, v1::ACTION_EXPLAIN, v1::STATE_UNDER_SUPERVISION, kReceiver, R, false, false},
    {v1::STATE_EXPLANATION_REQUIRED, v1::ACTION_ACCEPT, v1::STATE_ACCEPTED, kReceiver, N, false, false},
    {v1::STATE_FILING_NOTIFIED, v1::ACTION_ACCEPT, v1::STATE_ACCEPTED, kReceiver, N, false, false},
    {v1::STATE_ACCEPTED, v1::ACTION_HAND_OVER_ITEMS, v1::STATE_ITEMS_HANDED_OVER, kSender, M, false, false},
    {v1::STATE_SUPERVISION_CLOSED, v1::ACTION_LINK_PENALTY, v1::STATE_SUPERVISION_CLOSED, kSender, L, false, false, K},
};
constexpr StateRule kForwardStates[] = {
    {v1::STATE_SENT, PeriodId::kPoliceDecision, kReceiver, false},
    {v1::STATE_RETURNED, PeriodId::kSupplement, kSender, false},
    {v1::STATE_REFUSED, PeriodId::kReconsiderationRequest, kSender, true},
    {v1::STATE_RECONSIDERATION_REQUESTED, PeriodId::kReconsiderationDecision, kReceiver, false},
    {v1::STATE_REFUSAL_UPHELD, PeriodId::kSupervisionRequest, kSender, true},
    {v1::STATE_SUPERVISION_REQUESTED, PeriodId::kSupervisionDecision, kProcuratorate, false},
    {v1::STATE_UNDER_SUPERVISION, PeriodId::kNone, kReceiver | kProcuratorate, false},
    {v1::STATE_EXPLANATION_REQUIRED, PeriodId::kExplanation, kReceiver, false},
    {v1::STATE_FILING_NOTIFIED, PeriodId::kFilingAfterNotice, kReceiver, false},
    {v1::STATE_ACCEPTED, PeriodId::kItemsHandOver, kSender, false},
    // Only the follow-up penalty (第十条) remains open to the agency.
    {v1::STATE_SUPERVISION_CLOSED, PeriodId::kNone, kSender, true},
};

// --- 反向衔接: procuratorate or police -> enforcement agency. -----------------
constexpr TransitionRule kReverse[] = {
    {v1::STATE_DELIVERED, v1::ACTION_ACKNOWLEDGE, v1::STATE_ACKNOWLEDGED, kReceiver, N, false, false},
    {v1::STATE_DELIVERED, v1::ACTION_REPORT_PROGRESS, v1::STATE_IN_PROGRESS, kReceiver, R, false, false},
    {v1::STATE_ACKNOWLEDGED, v1::ACTION_REPORT_PROGRESS, v1::STATE_IN_PROGRESS, kReceiver, R, false, false},
    {v1::STATE_ACKNOWLEDGED, v1::ACTION_REPLY_PENALTY, v1::STATE_PENALTY_DECIDED, kReceiver, L, false, false},
    {v1::STATE_ACKNOWLEDGED, v1::ACTION_REPLY_NO_PENALTY, v1::STATE_NO_PENALTY, kReceiver, R, false, false},
    {v1::STATE_IN_PROGRESS, v1::ACTION_REPORT_PROGRESS, v1::STATE_IN_PROGRESS, kReceiver, R, false, false, K},
    {v1::STATE_IN_PROGRESS, v1::ACTION_REPLY_PENALTY, v1::STATE_PENALTY_DECIDED, kReceiver, L, false, false},
    {v1::STATE_IN_PROGRESS, v1::ACTION_REPLY_NO_PENALTY, v1::STATE_NO_PENALTY, kReceiver, R, false, false},
};
constexpr StateRule kReverseStates[] = {
    {v1::STATE_DELIVERED, PeriodId::kReverseReply, kReceiver, false, Origin::kItemStart},
    {v1::STATE_ACKNOWLEDGED, PeriodId::kReverseReply, kReceiver, false, Origin::kItemStart},
    {v1::STATE_IN_PROGRESS, PeriodId::kReverseFinalReply, kReceiver, false},
};

// --- 检察监督台账: procuratorate -> agency. ------------------------------------
constexpr TransitionRule kSupervision[] = {
    {v1::STATE_ISSUED, v1::ACTION_REPLY, v1::STATE_REPLIED, kReceiver, R | D, false, false},
    {v1::STATE_ISSUED, v1::ACTION_OBJECT, v1::STATE_OBJECTION_RAISED, kReceiver, R, false, false},
    {v1::STATE_OBJECTION_RAISED, v1::ACTION_UPHOLD_ON_REVIEW, v1::STATE_ISSUED, kSender, R, false, false},
    {v1::STATE_OBJECTION_RAISED, v1::ACTION_WITHDRAW_ON_REVIEW, v1::STATE_CLOSED, kSender, R, false, false},
    {v1::STATE_REPLIED, v1::ACTION_REPORT_RECTIFIED, v1::STATE_RECTIFIED, kReceiver, R, false, false},
    {v1::STATE_REPLIED, v1::ACTION_CLOSE, v1::STATE_CLOSED, kSender, N, false, false},
    {v1::STATE_RECTIFIED, v1::ACTION_CONFIRM_RECTIFICATION, v1::STATE_CLOSED, kSender, N, false, false},
    {v1::STATE_RECTIFIED, v1::ACTION_REJECT_RECTIFICATION, v1::STATE_REPLIED, kSender, R, false, false},
};
constexpr StateRule kSupervisionStates[] = {
    {v1::STATE_ISSUED, PeriodId::kSupervisionReply, kReceiver, false, Origin::kItemStart},
    {v1::STATE_OBJECTION_RAISED, PeriodId::kObjectionReview, kSender, false},
    {v1::STATE_REPLIED, PeriodId::kNone, kReceiver, false},
    {v1::STATE_RECTIFIED, PeriodId::kNone, kSender, false},
};

// --- 整改通知: justice bureau -> inspected agency (对照整改, MISSION.md 四(五)). --
constexpr TransitionRule kRectification[] = {
    {v1::STATE_ISSUED, v1::ACTION_REPORT_RECTIFIED, v1::STATE_RECTIFIED, kReceiver, R, false, false},
    {v1::STATE_RECTIFIED, v1::ACTION_CONFIRM_RECTIFICATION, v1::STATE_CLOSED, kSender, N, false, false},
    {v1::STATE_RECTIFIED, v1::ACTION_REJECT_RECTIFICATION, v1::STATE_ISSUED, kSender, R, false, false},
    // 行政执法监督条例 第三十条: the agency may object; the issuer reviews.
    {v1::STATE_ISSUED, v1::ACTION_OBJECT, v1::STATE_OBJECTION_RAISED, kReceiver, R, false, false},
    {v1::STATE_OBJECTION_RAISED, v1::ACTION_UPHOLD_ON_REVIEW, v1::STATE_ISSUED, kSender, R, false, false},
    {v1::STATE_OBJECTION_RAISED, v1::ACTION_WITHDRAW_ON_REVIEW, v1::STATE_CLOSED, kSender, R, false, false},
};
// A returned notice runs against the same due date: the return restarts no
// period (the date is the notice's).
constexpr StateRule kRectificationStates[] = {
    {v1::STATE_ISSUED, PeriodId::kItemDue, kReceiver, false},
    {v1::STATE_RECTIFIED, PeriodId::kNone, kSender, false},
    {v1::STATE_OBJECTION_RAISED, PeriodId::kNone, kSender, false},
};

// --- 议定事项: the meeting's convener -> the owner agency (四(一)(二)). --------
constexpr TransitionRule kDecision[] = {
    {v1::STATE_ASSIGNED, v1::ACTION_REPORT_PROGRESS, v1::STATE_ASSIGNED, kReceiver, R, false, false, K},
    {v1::STATE_ASSIGNED, v1::ACTION_REPORT_DONE, v1::STATE_DONE_REPORTED, kReceiver, R, false, false},
    {v1::STATE_ASSIGNED, v1::ACTION_CLOSE, v1::STATE_CLOSED, kSender, R, false, false},
    {v1::STATE_DONE_REPORTED, v1::ACTION_CLOSE, v1::STATE_CLOSED, kSender, N, false, false},
    {v1::STATE_DONE_REPORTED, v1::ACTION_REOPEN, v1::STATE_ASSIGNED, kSender, R, false, false},
};
constexpr StateRule kDecisionStates[] = {
    {v1::STATE_ASSIGNED, PeriodId::kItemDue, kReceiver, false},
    {v1::STATE_DONE_REPORTED, PeriodId::kNone, kSender, false},
};

// Columns: state, addressed to the receiver, event also to the procuratorate.
// A transfer the agency head did not approve (国务院令第310号 第五条第二款)
// goes to no police body; the procuratorate, which supervises non-transfers
// (第十四条), is told.
constexpr EntryRule kForwardEntries[] = {
    {v1::STATE_SENT, true, false},
    {v1::STATE_NOT_APPROVED, false, true},
};
constexpr EntryRule kReverseEntries[] = {{v1::STATE_DELIVERED, true, false}};
constexpr EntryRule kSupervisionEntries[] = {{v1::STATE_ISSUED, true, false}};
constexpr EntryRule kRectificationEntries[] = {{v1::STATE_ISSUED, true, false}};
constexpr EntryRule kDecisionEntries[] = {{v1::STATE_ASSIGNED, true, false}};

const Flow kForwardFlow{"forward transfer", v1::STATE_SENT, kForward, kForwardStates, kForwardEntries};
const Flow kReverseFlow{"reverse transfer", v1::STATE_DELIVERED, kReverse, kReverseStates, kReverseEntries};
const Flow kSupervisionFlow{"supervision record", v1::STATE_ISSUED, kSupervision, kSupervisionStates,
                            kSupervisionEntries};
const Flow kRectificationFlow{"rectification notice", v1::STATE_ISSUED, kRectification, kRectificationStates,
                              kRectificationEntries};
const Flow kDecisionFlow{"decision item", v1::STATE_ASSIGNED, kDecision, kDecisionStates, kDecisionEntries};

std::string RuleText(const TransitionRule& r) {
  return absl::StrCat(v1::WorkflowState_Name(r.from), " --", v1::WorkflowAction_Name(r.action),
                      "--> ", v1::WorkflowState_Name(r.to));
}

}  // namespace

const Flow& ForwardTransferFlow() { return kForwardFlow; }
const Flow& ReverseTransferFlow() { return kReverseFlow; }
const Flow& SupervisionFlow() { return kSupervisionFlow; }
const Flow& RectificationFlow() { return kRectificationFlow; }
const Flow& DecisionFlow() { return kDecisionFlow; }

std::string PartyLabel(uint8_t parties) {
  std::vector<std::string> names;
  if (parties & kSender) names.push_back("sender");
  if (parties & kReceiver) names.push_back("receiver");
  if (parties & kProcuratorate) names.push_back("procuratorate");
  return absl::StrJoin(names, "|");
}

absl::StatusOr<const TransitionRule*> FindRule(
    const Flow& flow, v1::WorkflowState state, v1::WorkflowAction action, uint8_t actor_parties,
    const std::string& what, const std::function<std::string(uint8_t)>& party_names) {
  std::vector<const TransitionRule*> matching;
  std::vector<std::string> allowed;
  for (const TransitionRule& r : flow.rules) {
    if (r.from != state) continue;
    allowed.push_back(absl::StrCat(v1::WorkflowAction_Name(r.action), " by ", PartyLabel(r.party)));
    if (r.action != action) continue;
    if (r.party & actor_parties) return &r;
    matching.push_back(&r);
  }
  if (matching.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        what, " is in state ", v1::WorkflowState_Name(state), "; ", v1::WorkflowAction_Name(action),
        " is not allowed there in a ", flow.name, " (allowed: ",
        allowed.empty() ? "none, the state is final" : absl::StrJoin(allowed, ", "), ")"));
  }
  const TransitionRule& r = *matching.front();
  return absl::PermissionDeniedError(absl::StrCat(
      "in state ", v1::WorkflowState_Name(state), " of ", what, ", ", v1::WorkflowAction_Name(action),
      " may be taken only by the ", party_names(r.party), " (rule ", RuleText(r), ": ",
      PartyLabel(r.party), ")"));
}

absl::Status CheckRequired(const TransitionRule& rule, const v1::WorkflowActionRequest& req) {
  const std::string action = v1::WorkflowAction_Name(rule.action);
  if ((rule.requires & kNeedsReason) && req.reason().empty()) {
    return absl::InvalidArgumentError(absl::StrCat("reason: is required by ", action));
  }
  if ((rule.requires & kNeedsMaterials) && req.materials().empty()) {
    return absl::InvalidArgumentError(absl::StrCat("materials: at least one is required by ", action));
  }
  if ((rule.requires & kNeedsLinkedCase) && req.linked_case_id().empty()) {
    return absl::InvalidArgumentError(absl::StrCat("linked_case_id: is required by ", action));
  }
  if (!v1::Adoption_IsValid(req.adoption())) {
    return absl::InvalidArgumentError("adoption: is not a known Adoption value");
  }
  if ((rule.requires & kNeedsAdoption) && req.adoption() == v1::ADOPTION_UNSPECIFIED) {
    return absl::InvalidArgumentError(absl::StrCat(
        "adoption: is required by ", action, " (ADOPTED, PARTLY_ADOPTED or NOT_ADOPTED: 采纳情况)"));
  }
  if (!(rule.requires & kNeedsAdoption) && req.adoption() != v1::ADOPTION_UNSPECIFIED) {
    return absl::InvalidArgumentError(absl::StrCat("adoption: does not apply to ", action));
  }
  if ((rule.requires & kNeedsApprover) && req.approver().empty()) {
    return absl::InvalidArgumentError(absl::StrCat("approver: is required by ", action, " (who approved it)"));
  }
  if (!(rule.requires & kNeedsApprover) && !req.approver().empty()) {
    return absl::InvalidArgumentError(absl::StrCat("approver: does not apply to ", action));
  }
  if ((rule.requires & kNeedsForwardTo) && req.forward_to_agency().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("forward_to_agency: is required by ", action, " (the competent police agency)"));
  }
  if (!(rule.requires & kNeedsForwardTo) && !req.forward_to_agency().empty()) {
    return absl::InvalidArgumentError(absl::StrCat("forward_to_agency: does not apply to ", action));
  }
  return absl::OkStatus();
}

PeriodId SupervisionReplyPeriod(const v1::SupervisionRecord& record) {
  if (record.urgent()) return PeriodId::kUrgentReply;
  switch (record.kind()) {
    case v1::SUPERVISION_OPINION: return PeriodId::kOpinionReply;
    case v1::SUPERVISION_CORRECTION: return PeriodId::kCorrectionReply;
    default: return PeriodId::kSupervisionReply;
  }
}

const EntryRule* FindEntryRule(const Flow& flow, v1::WorkflowState state) {
  for (const EntryRule& e : flow.entries) {
    if (e.state == state) return &e;
  }
  return nullptr;
}

const StateRule* FindStateRule(const Flow& flow, v1::WorkflowState state) {
  for (const StateRule& s : flow.states) {
    if (s.state == state) return &s;
  }
  return nullptr;
}

}  // namespace caselink::workflow
