// The state machines of the 两法衔接 workflow, as data: one table per flow of
// {from state, action, to state, who may act, what is required}, plus the
// period each open state runs against. One generic function (FindRule)
// applies any table, so the rules live only here and in docs/workflow.md.
// Immutable; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "caselink/v1/workflow.pb.h"

namespace caselink::workflow {

// Who may take an action, relative to the item.
enum Party : uint8_t {
  kSender = 1,         // the agency that created the item
  kReceiver = 2,       // the agency it is addressed to
  kProcuratorate = 4,  // any agency with the PROCURATORATE role
};

// What an action must carry.
enum Requirement : uint8_t {
  kNeedsNothing = 0,
  kNeedsReason = 1,
  kNeedsMaterials = 2,
  kNeedsLinkedCase = 4,  // a case of the actor (e.g. the penalty case)
  kNeedsAdoption = 8,    // 采纳 / 部分采纳 / 不采纳 (replies to the procuratorate)
  kNeedsApprover = 16,   // who approved (extensions)
  kNeedsForwardTo = 32,  // the agency it goes to (转送); becomes the receiver
};

// Which configured period a state runs against.
enum class PeriodId {
  kNone,
  kPoliceDecision,
  kReconsiderationRequest,
  kReconsiderationDecision,
  kSupervisionReply,
  kReverseReply,
  kSupplement,
  kSupervisionRequest,
  kExplanation,
  kFilingAfterNotice,
  kItemsHandOver,
  kOpinionReply,
  kCorrectionReply,
  kUrgentReply,
  kReverseFinalReply,
  kObjectionReview,
  kSupervisionDecision,
  // The item's own due date (a rectification notice's or a decision item's
  // due_date), not a configured period: ends at 24:00 of that day, moved to
  // the next working day when it is a rest day.
  kItemDue,
};

// What a transition does to the deadline.
enum class Clock : uint8_t {
  kStart,   // the new state's period starts (from the state's Origin)
  kKeep,    // the deadline stays as it is (a record that changes no period)
  kExtend,  // the next rung of the police decision's extension ladder
};

// The event a state's period runs from.
enum class Origin : uint8_t {
  kEntry,      // the transition into the state (receipt of a decision, …)
  kItemStart,  // the item's service or receipt (service_time, else creation):
               // later steps (签收, 异议 and 复核) never restart it
};

struct TransitionRule {
  v1::WorkflowState from;
  v1::WorkflowAction action;
  v1::WorkflowState to;
  uint8_t party;              // Party bits
  uint8_t requires;           // Requirement bits
  bool within_period;         // refused once the current state's period ended
  bool notify_procuratorate;  // the event also goes to every procuratorate
  Clock clock = Clock::kStart;
};

struct StateRule {
  v1::WorkflowState state;
  PeriodId period;
  uint8_t party;  // who must (or may) act within the period
  bool window;    // an optional action's window, not an obligation
  Origin origin = Origin::kEntry;
};

// A state an item may be created in, and what its creation does.
struct EntryRule {
  v1::WorkflowState state;
  bool addressed;             // the receiver gets it and is a participant
  bool notify_procuratorate;  // the creation's event also goes to every procuratorate
};

struct Flow {
  const char* name;  // "forward transfer", used in messages
  v1::WorkflowState initial;
  absl::Span<const TransitionRule> rules;
  absl::Span<const StateRule> states;  // open states; others are terminal
  // The states an item may be created in; the first is `initial`.
  absl::Span<const EntryRule> entries;
};

const Flow& ForwardTransferFlow();
const Flow& ReverseTransferFlow();
const Flow& SupervisionFlow();
const Flow& RectificationFlow();
const Flow& DecisionFlow();

// The rule letting an actor holding `actor_parties` take `action` in
// `state`. FAILED_PRECONDITION naming the state and the actions it allows if
// no rule has (state, action); PERMISSION_DENIED naming who may act if rules
// exist but none for the actor's parties. `what` names the item in messages;
// `party_names` renders a Party bit set as agencies ("receiver (psb)").
absl::StatusOr<const TransitionRule*> FindRule(
    const Flow& flow, v1::WorkflowState state, v1::WorkflowAction action, uint8_t actor_parties,
    const std::string& what, const std::function<std::string(uint8_t)>& party_names);

// INVALID_ARGUMENT naming the first field the rule requires that is missing,
// or an adoption or approver given to an action that does not take one.
absl::Status CheckRequired(const TransitionRule& rule, const v1::WorkflowActionRequest& req);

// The reply period of a supervision record: urgent records and each kind
// have their own (WorkflowConfig.urgent_reply, opinion_reply, …).
PeriodId SupervisionReplyPeriod(const v1::SupervisionRecord& record);

// How an item of `flow` is created in `state`, or nullptr if it cannot be.
const EntryRule* FindEntryRule(const Flow& flow, v1::WorkflowState state);

// The period of an open state, or nullptr for a terminal state.
const StateRule* FindStateRule(const Flow& flow, v1::WorkflowState state);

// "sender", "receiver|procuratorate", ...
std::string PartyLabel(uint8_t parties);

}  // namespace caselink::workflow
