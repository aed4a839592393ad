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
};

struct ExpectedState {
  v1::WorkflowState state;
  PeriodId period;
  uint8_t party;
  bool window;
};

struct FlowCase {
  const Flow* flow;
  const char* name;
  v1::WorkflowState initial;
  std::vector<Expected> rules;
  std::vector<ExpectedState> open_states;
};

std::vector<FlowCase> Flows() {
  using namespace v1;
  return {
      {&ForwardTransferFlow(),
       "forward transfer",
       STATE_SENT,
       {
           {STATE_SENT, ACTION_ACCEPT, STATE_ACCEPTED, R, kNeedsNothing},
           {STATE_SENT, ACTION_REFUSE, STATE_REFUSED, R, kNeedsReason, false, true},
           {STATE_SENT, ACTION_RETURN_FOR_MATERIAL, STATE_RETURNED, R, kNeedsReason},
           {STATE_RETURNED, ACTION_RESUBMIT, STATE_SENT, S, kNeedsMaterials},
           {STATE_RETURNED, ACTION_WITHDRAW, STATE_WITHDRAWN, S, kNeedsReason},
           {STATE_REFUSED, ACTION_REQUEST_RECONSIDERATION, STATE_RECONSIDERATION_REQUESTED, S, kNeedsReason,
            true},
           {STATE_REFUSED, ACTION_OPEN_SUPERVISION, STATE_UNDER_SUPERVISION, P, kNeedsReason},
           {STATE_RECONSIDERATION_REQUESTED, ACTION_ACCEPT, STATE_ACCEPTED, R, kNeedsNothing},
           {STATE_RECONSIDERATION_REQUESTED, ACTION_UPHOLD_REFUSAL, STATE_REFUSAL_UPHELD, R, kNeedsReason,
            false, true},
           {STATE_REFUSAL_UPHELD, ACTION_OPEN_SUPERVISION, STATE_UNDER_SUPERVISION, P, kNeedsReason},
           {STATE_UNDER_SUPERVISION, ACTION_ACCEPT, STATE_ACCEPTED, R, kNeedsNothing},
           {STATE_UNDER_SUPERVISION, ACTION_CLOSE_SUPERVISION, STATE_SUPERVISION_CLOSED, P, kNeedsReason},
       },
       {
           {STATE_SENT, PeriodId::kPoliceDecision, R, false},
           {STATE_RETURNED, PeriodId::kSupplement, S, false},
           {STATE_REFUSED, PeriodId::kReconsiderationRequest, S, true},
           {STATE_RECONSIDERATION_REQUESTED, PeriodId::kReconsiderationDecision, R, false},
           {STATE_REFUSAL_UPHELD, PeriodId::kNone, P, true},
           {STATE_UNDER_SUPERVISION, PeriodId::kNone, R | P, false},
       }},
      {&ReverseTransferFlow(),
       "reverse transfer",
       STATE_DELIVERED,
       {
           {STATE_DELIVERED, ACTION_ACKNOWLEDGE, STATE_ACKNOWLEDGED, R, kNeedsNothing},
           {STATE_ACKNOWLEDGED, ACTION_REPLY_PENALTY, STATE_PENALTY_DECIDED, R, kNeedsLinkedCase},
           {STATE_ACKNOWLEDGED, ACTION_REPLY_NO_PENALTY, STATE_NO_PENALTY, R, kNeedsReason},
       },
       {
           {STATE_DELIVERED, PeriodId::kReverseReply, R, false},
           {STATE_ACKNOWLEDGED, PeriodId::kReverseReply, R, false},
       }},
      {&SupervisionFlow(),
       "supervision record",
       STATE_ISSUED,
       {
           {STATE_ISSUED, ACTION_REPLY, STATE_REPLIED, R, kNeedsReason},
           {STATE_REPLIED, ACTION_REPORT_RECTIFIED, STATE_RECTIFIED, R, kNeedsReason},
           {STATE_REPLIED, ACTION_CLOSE, STATE_CLOSED, S, kNeedsNothing},
           {STATE_RECTIFIED, ACTION_CONFIRM_RECTIFICATION, STATE_CLOSED, S, kNeedsNothing},
           {STATE_RECTIFIED, ACTION_REJECT_RECTIFICATION, STATE_REPLIED, S, kNeedsReason},
       },
       {
           {STATE_ISSUED, PeriodId::kSupervisionReply, R, false},
           {STATE_REPLIED, PeriodId::kNone, R, false},
           {STATE_RECTIFIED, PeriodId::kNone, S, false},
       }},
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
      EXPECT_TRUE(CheckRequired(**rule, full).ok());

      v1::WorkflowActionRequest empty;
      absl::Status s = CheckRequired(**rule, empty);
      if (e.requires == kNeedsNothing) {
        EXPECT_TRUE(s.ok()) << s;
        continue;
      }
      // Each requirement alone: removing only that field is refused, naming it.
      const std::pair<uint8_t, const char*> fields[] = {
          {kNeedsReason, "reason"}, {kNeedsMaterials, "materials"}, {kNeedsLinkedCase, "linked_case_id"}};
      for (const auto& [bit, field] : fields) {
        v1::WorkflowActionRequest req = full;
        if (bit == kNeedsReason) req.clear_reason();
        if (bit == kNeedsMaterials) req.clear_materials();
        if (bit == kNeedsLinkedCase) req.clear_linked_case_id();
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
