// FindRule, CheckRequired and FindStateRule (workflow/workflow_rules.h) without
// a server, over every flow x every workflow state x every action x every
// set of party bits. The expected rules are written out here independently of
// the tables in workflow_rules.cc (from docs/workflow.md), so a change to
// either shows up: each combination must give OK with the right rule,
// FAILED_PRECONDITION naming the state and the actions it allows, or
// PERMISSION_DENIED naming who may act.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "workflow/workflow_rules.h"

namespace caselink::workflow {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr uint8_t S = kSender, R = kReceiver, P = kProcuratorate;

struct Expected {
  v1::WorkflowState from;
  v1::WorkflowAction action;
  v1::WorkflowState to;
  uint8_t party;
  uint8_t requires;
  bool within_period = false;
  bool notify_procuratorate = false;
  Clock clock = Clock::kStart;
};

struct ExpectedState {
  v1::WorkflowState state;
  PeriodId period;
  uint8_t party;
  bool window;
  Origin origin = Origin::kEntry;
};

struct ExpectedEntry {
  v1::WorkflowState state;
  bool addressed;
  bool notify_procuratorate;
};

struct FlowCase {
  const Flow* flow;
  const char* name;
  v1::WorkflowState initial;
  std::vector<Expected> rules;
  std::vector<ExpectedState> open_states;
  std::vector<ExpectedEntry> entries;
};

// docs/workflow.md, table by table.
std::vector<FlowCase> Flows() {
  using namespace v1;
  constexpr uint8_t Re = kNeedsReason, Ma = kNeedsMaterials, Li = kNeedsLinkedCase, No = kNeedsNothing,
                    Ad = kNeedsAdoption, Ap = kNeedsApprover, Fw = kNeedsForwardTo;
  constexpr Clock Keep = Clock::kKeep, Extend = Clock::kExtend;
  return {
      {&ForwardTransferFlow(),
       "forward transfer",
       STATE_SENT,
       {
           {STATE_SENT, ACTION_ACCEPT, STATE_ACCEPTED, R, No},
           {STATE_SENT, ACTION_REFUSE, STATE_REFUSED, R, Re, false, true},
           {STATE_SENT, ACTION_RETURN_FOR_MATERIAL, STATE_RETURNED, R, Re},
           {STATE_SENT, ACTION_ISSUE_RECEIPT, STATE_SENT, R, No, false, false, Keep},
           {STATE_SENT, ACTION_EXTEND_DECISION, STATE_SENT, R, Re | Ap, true, false, Extend},
           {STATE_SENT, ACTION_FORWARD_TO_COMPETENT, STATE_SENT, R, Re | Fw},
           {STATE_RETURNED, ACTION_RESUBMIT, STATE_SENT, S, Ma},
           {STATE_RETURNED, ACTION_WITHDRAW, STATE_WITHDRAWN, S, Re},
           {STATE_REFUSED, ACTION_REQUEST_RECONSIDERATION, STATE_RECONSIDERATION_REQUESTED, S, Re, true},
           {STATE_REFUSED, ACTION_REQUEST_SUPERVISION, STATE_SUPERVISION_REQUESTED, S, Re, true, true},
           {STATE_REFUSED, ACTION_OPEN_SUPERVISION, STATE_UNDER_SUPERVISION, P, Re},
           {STATE_REFUSED, ACTION_LINK_PENALTY, STATE_REFUSED, S, Li, false, false, Keep},
           {STATE_RECONSIDERATION_REQUESTED, ACTION_ACCEPT, STATE_ACCEPTED, R, No},
           {STATE_RECONSIDERATION_REQUESTED, ACTION_UPHOLD_REFUSAL, STATE_REFUSAL_UPHELD, R, Re, false, true},
           {STATE_REFUSAL_UPHELD, ACTION_REQUEST_SUPERVISION, STATE_SUPERVISION_REQUESTED, S, Re, true, true},
           {STATE_REFUSAL_UPHELD, ACTION_OPEN_SUPERVISION, STATE_UNDER_SUPERVISION, P, Re},
           {STATE_REFUSAL_UPHELD, ACTION_LINK_PENALTY, STATE_REFUSAL_UPHELD, S, Li, false, false, Keep},
           {STATE_SUPERVISION_REQUESTED, ACTION_OPEN_SUPERVISION, STATE_UNDER_SUPERVISION, P, Re},
           {STATE_SUPERVISION_REQUESTED, ACTION_DECLINE_SUPERVISION, STATE_SUPERVISION_CLOSED, P, Re},
           {STATE_UNDER_SUPERVISION, ACTION_ACCEPT, STATE_ACCEPTED, R, No},
           {STATE_UNDER_SUPERVISION, ACTION_REQUIRE_EXPLANATION, STATE_EXPLANATION_REQUIRED, P, Re},
           {STATE_UNDER_SUPERVISION, ACTION_NOTIFY_FILING, STATE_FILING_NOTIFIED, P, Re},
           {STATE_UNDER_SUPERVISION, ACTION_CLOSE_SUPERVISION, STATE_SUPERVISION_CLOSED, P, Re},
           {STATE_EXPLANATION_REQUIRED, ACTION_EXPLAIN, STATE_UNDER_SUPERVISION, R, Re},
           {STATE_EXPLANATION_REQUIRED, ACTION_ACCEPT, STATE_ACCEPTED, R, No},
           {STATE_FILING_NOTIFIED, ACTION_ACCEPT, STATE_ACCEPTED, R, No},
           {STATE_ACCEPTED, ACTION_HAND_OVER_ITEMS, STATE_ITEMS_HANDED_OVER, S, Ma},
           {STATE_SUPERVISION_CLOSED, ACTION_LINK_PENALTY, STATE_SUPERVISION_CLOSED, S, Li, false, false, Keep},
       },
       {
           {STATE_SENT, PeriodId::kPoliceDecision, R, false},
           {STATE_RETURNED, PeriodId::kSupplement, S, false},
           {STATE_REFUSED, PeriodId::kReconsiderationRequest, S, true},
           {STATE_RECONSIDERATION_REQUESTED, PeriodId::kReconsiderationDecision, R, false},
           {STATE_REFUSAL_UPHELD, PeriodId::kSupervisionRequest, S, true},
           {STATE_SUPERVISION_REQUESTED, PeriodId::kSupervisionDecision, P, false},
           {STATE_UNDER_SUPERVISION, PeriodId::kNone, R | P, false},
           {STATE_EXPLANATION_REQUIRED, PeriodId::kExplanation, R, false},
           {STATE_FILING_NOTIFIED, PeriodId::kFilingAfterNotice, R, false},
           {STATE_ACCEPTED, PeriodId::kItemsHandOver, S, false},
           {STATE_SUPERVISION_CLOSED, PeriodId::kNone, S, true},
       },
       {{STATE_SENT, true, false}, {STATE_NOT_APPROVED, false, true}}},
      {&ReverseTransferFlow(),
       "reverse transfer",
       STATE_DELIVERED,
       {
           {STATE_DELIVERED, ACTION_ACKNOWLEDGE, STATE_ACKNOWLEDGED, R, No},
           {STATE_DELIVERED, ACTION_REPORT_PROGRESS, STATE_IN_PROGRESS, R, Re},
           {STATE_ACKNOWLEDGED, ACTION_REPORT_PROGRESS, STATE_IN_PROGRESS, R, Re},
           {STATE_ACKNOWLEDGED, ACTION_REPLY_PENALTY, STATE_PENALTY_DECIDED, R, Li},
           {STATE_ACKNOWLEDGED, ACTION_REPLY_NO_PENALTY, STATE_NO_PENALTY, R, Re},
           {STATE_IN_PROGRESS, ACTION_REPORT_PROGRESS, STATE_IN_PROGRESS, R, Re, false, false, Keep},
           {STATE_IN_PROGRESS, ACTION_REPLY_PENALTY, STATE_PENALTY_DECIDED, R, Li},
           {STATE_IN_PROGRESS, ACTION_REPLY_NO_PENALTY, STATE_NO_PENALTY, R, Re},
       },
       {
           {STATE_DELIVERED, PeriodId::kReverseReply, R, false, Origin::kItemStart},
           {STATE_ACKNOWLEDGED, PeriodId::kReverseReply, R, false, Origin::kItemStart},
           {STATE_IN_PROGRESS, PeriodId::kReverseFinalReply, R, false},
       },
       {{STATE_DELIVERED, true, false}}},
      {&SupervisionFlow(),
       "supervision record",
       STATE_ISSUED,
       {
           {STATE_ISSUED, ACTION_REPLY, STATE_REPLIED, R, Re | Ad},
           {STATE_ISSUED, ACTION_OBJECT, STATE_OBJECTION_RAISED, R, Re},
           {STATE_OBJECTION_RAISED, ACTION_UPHOLD_ON_REVIEW, STATE_ISSUED, S, Re},
           {STATE_OBJECTION_RAISED, ACTION_WITHDRAW_ON_REVIEW, STATE_CLOSED, S, Re},
           {STATE_REPLIED, ACTION_REPORT_RECTIFIED, STATE_RECTIFIED, R, Re},
           {STATE_REPLIED, ACTION_CLOSE, STATE_CLOSED, S, No},
           {STATE_RECTIFIED, ACTION_CONFIRM_RECTIFICATION, STATE_CLOSED, S, No},
           {STATE_RECTIFIED, ACTION_REJECT_RECTIFICATION, STATE_REPLIED, S, Re},
       },
       {
           {STATE_ISSUED, PeriodId::kSupervisionReply, R, false, Origin::kItemStart},
           {STATE_OBJECTION_RAISED, PeriodId::kObjectionReview, S, false},
           {STATE_REPLIED, PeriodId::kNone, R, false},
           {STATE_RECTIFIED, PeriodId::kNone, S, false},
       },
       {{STATE_ISSUED, true, false}}},
  };
}

std::vector<v1::WorkflowState> AllStates() {
  std::vector<v1::WorkflowState> out;
  const auto* d = v1::WorkflowState_descriptor();
  for (int i = 0; i < d->value_count(); ++i) out.push_back(static_cast<v1::WorkflowState>(d->value(i)->number()));
  return out;
}

std::vector<v1::WorkflowAction> AllActions() {
  std::vector<v1::WorkflowAction> out;
  const auto* d = v1::WorkflowAction_descriptor();
  for (int i = 0; i < d->value_count(); ++i) out.push_back(static_cast<v1::WorkflowAction>(d->value(i)->number()));
  return out;
}

// Renders party bits the way the services do ("receiver (psb)"), but marked,
// so the test sees that FindRule used it to say who may act.
std::string PartyNames(uint8_t parties) { return absl::StrCat("<agencies of ", PartyLabel(parties), ">"); }

TEST(WorkflowRulesTableTest, EveryStateActionAndPartySetGetsTheExpectedAnswer) {
  int combinations = 0, allowed = 0, refused_state = 0, refused_party = 0;
  for (const FlowCase& fc : Flows()) {
    EXPECT_STREQ(fc.flow->name, fc.name);
    EXPECT_EQ(fc.flow->initial, fc.initial) << fc.name;
    EXPECT_EQ(fc.flow->rules.size(), fc.rules.size()) << fc.name << ": a rule was added or removed";
    for (v1::WorkflowState state : AllStates()) {
      std::vector<const Expected*> in_state;
      for (const Expected& e : fc.rules) {
        if (e.from == state) in_state.push_back(&e);
      }
      for (v1::WorkflowAction action : AllActions()) {
        const Expected* rule = nullptr;
        for (const Expected* e : in_state) {
          if (e->action == action) rule = e;
        }
        for (uint8_t parties = 0; parties <= (S | R | P); ++parties) {
          ++combinations;
          SCOPED_TRACE(absl::StrCat(fc.name, ": ", v1::WorkflowState_Name(state), " ",
                                    v1::WorkflowAction_Name(action), " by {", PartyLabel(parties), "}"));
          auto got = FindRule(*fc.flow, state, action, parties, "transfer 'T-1'", PartyNames);
          if (rule == nullptr) {
            ++refused_state;
            ASSERT_EQ(got.status().code(), absl::StatusCode::kFailedPrecondition) << got.status();
            const std::string msg(got.status().message());
            EXPECT_THAT(msg, HasSubstr("transfer 'T-1'"));
            EXPECT_THAT(msg, HasSubstr(v1::WorkflowState_Name(state)));
            EXPECT_THAT(msg, HasSubstr(v1::WorkflowAction_Name(action)));
            EXPECT_THAT(msg, HasSubstr(fc.name));
            if (in_state.empty()) {
              EXPECT_THAT(msg, HasSubstr("none, the state is final"));
            }
            for (const Expected* e : in_state) {
              EXPECT_THAT(msg, HasSubstr(absl::StrCat(v1::WorkflowAction_Name(e->action), " by ",
                                                      PartyLabel(e->party))));
            }
          } else if (rule->party & parties) {
            ++allowed;
            ASSERT_TRUE(got.ok()) << got.status();
            const TransitionRule& r = **got;
            EXPECT_EQ(r.from, state);
            EXPECT_EQ(r.action, action);
            EXPECT_EQ(r.to, rule->to);
            EXPECT_EQ(r.party, rule->party);
            EXPECT_EQ(r.requires, rule->requires);
            EXPECT_EQ(r.within_period, rule->within_period);
            EXPECT_EQ(r.notify_procuratorate, rule->notify_procuratorate);
            EXPECT_EQ(r.clock, rule->clock);
          } else {
            ++refused_party;
            ASSERT_EQ(got.status().code(), absl::StatusCode::kPermissionDenied) << got.status();
            const std::string msg(got.status().message());
            EXPECT_THAT(msg, HasSubstr("transfer 'T-1'"));
            EXPECT_THAT(msg, HasSubstr(v1::WorkflowState_Name(state)));
            EXPECT_THAT(msg, HasSubstr(v1::WorkflowAction_Name(action)));
            EXPECT_THAT(msg, HasSubstr(PartyNames(rule->party)));
            EXPECT_THAT(msg, HasSubstr(v1::WorkflowState_Name(rule->to)));
          }
        }
      }
    }
  }
  // Every kind of answer was reached (the loops did not silently skip).
  EXPECT_GT(allowed, 0);
  EXPECT_GT(refused_state, 0);
  EXPECT_GT(refused_party, 0);
  EXPECT_EQ(combinations, 3 * static_cast<int>(AllStates().size() * AllActions().size()) * 8);
}

TEST(WorkflowRulesTableTest, EveryRuleRefusesARequestMissingWhatItRequiresAndNamesTheField) {
  for (const FlowCase& fc : Flows()) {
    for (const Expected& e : fc.rules) {
      SCOPED_TRACE(absl::StrCat(fc.name, ": ", v1::WorkflowState_Name(e.from), " ",
                                v1::WorkflowAction_Name(e.action)));
      auto rule = FindRule(*fc.flow, e.from, e.action, e.party, "item", PartyNames);
      ASSERT_TRUE(rule.ok()) << rule.status();

      v1::WorkflowActionRequest full;
      full.set_reason("理由");
      full.add_materials()->set_title("补充材料");
      full.set_linked_case_id("CASE-1");
      if (e.requires & kNeedsAdoption) full.set_adoption(v1::PARTLY_ADOPTED);
      if (e.requires & kNeedsApprover) full.set_approver("县级以上公安机关负责人 张某");
      if (e.requires & kNeedsForwardTo) full.set_forward_to_agency("psb-traffic");
      EXPECT_TRUE(CheckRequired(**rule, full).ok());
      // Adoption and approver belong to the actions that take them only.
      if (!(e.requires & kNeedsAdoption)) {
        v1::WorkflowActionRequest extra = full;
        extra.set_adoption(v1::ADOPTED);
        EXPECT_THAT(CheckRequired(**rule, extra).message(), HasSubstr("adoption: does not apply"));
      }
      if (!(e.requires & kNeedsApprover)) {
        v1::WorkflowActionRequest extra = full;
        extra.set_approver("某");
        EXPECT_THAT(CheckRequired(**rule, extra).message(), HasSubstr("approver: does not apply"));
      }
      if (!(e.requires & kNeedsForwardTo)) {
        v1::WorkflowActionRequest extra = full;
        extra.set_forward_to_agency("psb-traffic");
        EXPECT_THAT(CheckRequired(**rule, extra).message(), HasSubstr("forward_to_agency: does not apply"));
      }

      v1::WorkflowActionRequest empty;
      absl::Status s = CheckRequired(**rule, empty);
      if (e.requires == kNeedsNothing) {
        EXPECT_TRUE(s.ok()) << s;
        continue;
      }
      // Each requirement alone: removing only that field is refused, naming it.
      const std::pair<uint8_t, const char*> fields[] = {
          {kNeedsReason, "reason"}, {kNeedsMaterials, "materials"}, {kNeedsLinkedCase, "linked_case_id"},
          {kNeedsAdoption, "adoption"}, {kNeedsApprover, "approver"}, {kNeedsForwardTo, "forward_to_agency"}};
      for (const auto& [bit, field] : fields) {
        if (!(e.requires & bit) && (bit == kNeedsAdoption || bit == kNeedsApprover || bit == kNeedsForwardTo)) continue;
        v1::WorkflowActionRequest req = full;
        if (bit == kNeedsReason) req.clear_reason();
        if (bit == kNeedsMaterials) req.clear_materials();
        if (bit == kNeedsLinkedCase) req.clear_linked_case_id();
        if (bit == kNeedsAdoption) req.clear_adoption();
        if (bit == kNeedsApprover) req.clear_approver();
        if (bit == kNeedsForwardTo) req.clear_forward_to_agency();
        absl::Status without = CheckRequired(**rule, req);
        if (e.requires & bit) {
          ASSERT_EQ(without.code(), absl::StatusCode::kInvalidArgument) << field;
          EXPECT_THAT(without.message(), HasSubstr(field));
          EXPECT_THAT(without.message(), HasSubstr(v1::WorkflowAction_Name(e.action)));
        } else {
          EXPECT_TRUE(without.ok()) << field << " is not required: " << without;
        }
      }
    }
  }
}

TEST(WorkflowRulesTableTest, OpenStatesHaveTheirPeriodAndEveryOtherStateIsTerminal) {
  for (const FlowCase& fc : Flows()) {
    EXPECT_EQ(fc.flow->states.size(), fc.open_states.size()) << fc.name;
    for (v1::WorkflowState state : AllStates()) {
      SCOPED_TRACE(absl::StrCat(fc.name, ": ", v1::WorkflowState_Name(state)));
      const ExpectedState* want = nullptr;
      for (const ExpectedState& e : fc.open_states) {
        if (e.state == state) want = &e;
      }
      const StateRule* got = FindStateRule(*fc.flow, state);
      if (want == nullptr) {
        EXPECT_EQ(got, nullptr);
        continue;
      }
      ASSERT_NE(got, nullptr);
      EXPECT_EQ(got->state, state);
      EXPECT_EQ(got->period, want->period);
      EXPECT_EQ(got->party, want->party);
      EXPECT_EQ(got->window, want->window);
      EXPECT_EQ(got->origin, want->origin);
    }
  }
}

TEST(WorkflowRulesTableTest, ItemsAreCreatedOnlyInTheirEntryStatesAddressedAsListed) {
  for (const FlowCase& fc : Flows()) {
    EXPECT_EQ(fc.flow->entries.size(), fc.entries.size()) << fc.name;
    ASSERT_FALSE(fc.flow->entries.empty()) << fc.name;
    EXPECT_EQ(fc.flow->entries[0].state, fc.flow->initial) << fc.name;
    for (v1::WorkflowState state : AllStates()) {
      SCOPED_TRACE(absl::StrCat(fc.name, ": ", v1::WorkflowState_Name(state)));
      const ExpectedEntry* want = nullptr;
      for (const ExpectedEntry& e : fc.entries) {
        if (e.state == state) want = &e;
      }
      const EntryRule* got = FindEntryRule(*fc.flow, state);
      if (want == nullptr) {
        EXPECT_EQ(got, nullptr);
        continue;
      }
      ASSERT_NE(got, nullptr);
      EXPECT_EQ(got->addressed, want->addressed);
      EXPECT_EQ(got->notify_procuratorate, want->notify_procuratorate);
    }
  }
}

// The tables agree with each other: the initial state and every state with
// outgoing rules are open (have a period entry).
TEST(WorkflowRulesTableTest, EveryStateWithActionsIsOpenAndTheInitialStateIsOpen) {
  for (const FlowCase& fc : Flows()) {
    SCOPED_TRACE(fc.name);
    EXPECT_NE(FindStateRule(*fc.flow, fc.flow->initial), nullptr);
    for (const TransitionRule& r : fc.flow->rules) {
      EXPECT_NE(FindStateRule(*fc.flow, r.from), nullptr) << v1::WorkflowState_Name(r.from);
    }
  }
}

TEST(WorkflowRulesTableTest, PartyLabelNamesEachBit) {
  EXPECT_EQ(PartyLabel(0), "");
  EXPECT_EQ(PartyLabel(S), "sender");
  EXPECT_EQ(PartyLabel(R), "receiver");
  EXPECT_EQ(PartyLabel(P), "procuratorate");
  EXPECT_EQ(PartyLabel(R | P), "receiver|procuratorate");
  EXPECT_EQ(PartyLabel(S | R | P), "sender|receiver|procuratorate");
  EXPECT_THAT(PartyLabel(S | P), Not(HasSubstr("receiver")));
}

}  // namespace
}  // namespace caselink::workflow
