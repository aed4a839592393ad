#include "workflow/workflow_rules.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace caselink::workflow {
namespace {

using v1::WorkflowAction;
using v1::WorkflowState;
constexpr uint8_t R = kNeedsReason, M = kNeedsMaterials, L = kNeedsLinkedCase, N = kNeedsNothing;

// --- 正向移送: enforcement agency -> police (国务院令第310号). ----------------
constexpr TransitionRule kForward[] = {
    // from                              action                              to                                party           needs  period notify
    {v1::STATE_SENT, v1::ACTION_ACCEPT, v1::STATE_ACCEPTED, kReceiver, N, false, false},
    {v1::STATE_SENT, v1::ACTION_REFUSE, v1::STATE_REFUSED, kReceiver, R, false, true},
    {v1::STATE_SENT, v1::ACTION_RETURN_FOR_MATERIAL, v1::STATE_RETURNED, kReceiver, R, false, false},
    {v1::STATE_RETURNED, v1::ACTION_RESUBMIT, v1::STATE_SENT, kSender, M, false, false},
    {v1::STATE_RETURNED, v1::ACTION_WITHDRAW, v1::STATE_WITHDRAWN, kSender, R, false, false},
    {v1::STATE_REFUSED, v1::ACTION_REQUEST_RECONSIDERATION, v1::STATE_RECONSIDERATION_REQUESTED, kSender, R, true, false},
    {v1::STATE_REFUSED, v1::ACTION_OPEN_SUPERVISION, v1::STATE_UNDER_SUPERVISION, kProcuratorate, R, false, false},
    {v1::STATE_RECONSIDERATION_REQUESTED, v1::ACTION_ACCEPT, v1::STATE_ACCEPTED, kReceiver, N, false, false},
    {v1::STATE_RECONSIDERATION_REQUESTED, v1::ACTION_UPHOLD_REFUSAL, v1::STATE_REFUSAL_UPHELD, kReceiver, R, false, true},
    {v1::STATE_REFUSAL_UPHELD, v1::ACTION_OPEN_SUPERVISION, v1::STATE_UNDER_SUPERVISION, kProcuratorate, R, false, false},
    {v1::STATE_UNDER_SUPERVISION, v1::ACTION_ACCEPT, v1::STATE_ACCEPTED, kReceiver, N, false, false},
    {v1::STATE_UNDER_SUPERVISION, v1::ACTION_CLOSE_SUPERVISION, v1::STATE_SUPERVISION_CLOSED, kProcuratorate, R, false, false},
};
constexpr StateRule kForwardStates[] = {
    {v1::STATE_SENT, PeriodId::kPoliceDecision, kReceiver, false},
    {v1::STATE_RETURNED, PeriodId::kSupplement, kSender, false},
    {v1::STATE_REFUSED, PeriodId::kReconsiderationRequest, kSender, true},
    {v1::STATE_RECONSIDERATION_REQUESTED, PeriodId::kReconsiderationDecision, kReceiver, false},
    {v1::STATE_REFUSAL_UPHELD, PeriodId::kNone, kProcuratorate, true},
    {v1::STATE_UNDER_SUPERVISION, PeriodId::kNone, kReceiver | kProcuratorate, false},
};

// --- 反向衔接: procuratorate -> enforcement agency. ---------------------------
constexpr TransitionRule kReverse[] = {
    {v1::STATE_DELIVERED, v1::ACTION_ACKNOWLEDGE, v1::STATE_ACKNOWLEDGED, kReceiver, N, false, false},
    {v1::STATE_ACKNOWLEDGED, v1::ACTION_REPLY_PENALTY, v1::STATE_PENALTY_DECIDED, kReceiver, L, false, false},
    {v1::STATE_ACKNOWLEDGED, v1::ACTION_REPLY_NO_PENALTY, v1::STATE_NO_PENALTY, kReceiver, R, false, false},
};
constexpr StateRule kReverseStates[] = {
    {v1::STATE_DELIVERED, PeriodId::kReverseReply, kReceiver, false},
    {v1::STATE_ACKNOWLEDGED, PeriodId::kReverseReply, kReceiver, false},
};

// --- 检察监督台账: procuratorate -> agency. ------------------------------------
constexpr TransitionRule kSupervision[] = {
    {v1::STATE_ISSUED, v1::ACTION_REPLY, v1::STATE_REPLIED, kReceiver, R, false, false},
    {v1::STATE_REPLIED, v1::ACTION_REPORT_RECTIFIED, v1::STATE_RECTIFIED, kReceiver, R, false, false},
    {v1::STATE_REPLIED, v1::ACTION_CLOSE, v1::STATE_CLOSED, kSender, N, false, false},
    {v1::STATE_RECTIFIED, v1::ACTION_CONFIRM_RECTIFICATION, v1::STATE_CLOSED, kSender, N, false, false},
    {v1::STATE_RECTIFIED, v1::ACTION_REJECT_RECTIFICATION, v1::STATE_REPLIED, kSender, R, false, false},
};
constexpr StateRule kSupervisionStates[] = {
    {v1::STATE_ISSUED, PeriodId::kSupervisionReply, kReceiver, false},
    {v1::STATE_REPLIED, PeriodId::kNone, kReceiver, false},
    {v1::STATE_RECTIFIED, PeriodId::kNone, kSender, false},
};

const Flow kForwardFlow{"forward transfer", v1::STATE_SENT, kForward, kForwardStates};
const Flow kReverseFlow{"reverse transfer", v1::STATE_DELIVERED, kReverse, kReverseStates};
const Flow kSupervisionFlow{"supervision record", v1::STATE_ISSUED, kSupervision, kSupervisionStates};

std::string RuleText(const TransitionRule& r) {
  return absl::StrCat(v1::WorkflowState_Name(r.from), " --", v1::WorkflowAction_Name(r.action),
                      "--> ", v1::WorkflowState_Name(r.to));
}

}  // namespace

const Flow& ForwardTransferFlow() { return kForwardFlow; }
const Flow& ReverseTransferFlow() { return kReverseFlow; }
const Flow& SupervisionFlow() { return kSupervisionFlow; }

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
  return absl::OkStatus();
}

const StateRule* FindStateRule(const Flow& flow, v1::WorkflowState state) {
  for (const StateRule& s : flow.states) {
    if (s.state == state) return &s;
  }
  return nullptr;
}

}  // namespace caselink::workflow
