// Every state of every flow, reached through the real server, against every
// action: an action the state does not allow is FAILED_PRECONDITION naming
// the state; an allowed action taken by the wrong party is PERMISSION_DENIED
// naming who may act. The expected table below is written out independently
// of the server's (docs/workflow.md), so a change to either shows up here.
#include <map>
#include <set>

#include "gmock/gmock.h"
#include "workflow_fixture.h"

namespace caselink::testing {
namespace {

using ::testing::HasSubstr;

struct Step {
  const char* agency;
  v1::WorkflowAction action;
};

// Who may take each allowed action in a state ("S" sender, "R" receiver,
// "P" procuratorate).
using Allowed = std::map<v1::WorkflowAction, std::string>;

struct StateCase {
  v1::WorkflowState state;
  std::vector<Step> path;  // from the initial state
  Allowed allowed;
};

std::vector<StateCase> ForwardStates() {
  using namespace v1;
  const Step refuse{"psb", ACTION_REFUSE}, open{"procuratorate", ACTION_OPEN_SUPERVISION};
  return {
      {STATE_SENT,
       {},
       {{ACTION_ACCEPT, "R"},
        {ACTION_REFUSE, "R"},
        {ACTION_RETURN_FOR_MATERIAL, "R"},
        {ACTION_ISSUE_RECEIPT, "R"},
        {ACTION_EXTEND_DECISION, "R"},
        {ACTION_FORWARD_TO_COMPETENT, "R"}}},
      {STATE_RETURNED, {{"psb", ACTION_RETURN_FOR_MATERIAL}}, {{ACTION_RESUBMIT, "S"}, {ACTION_WITHDRAW, "S"}}},
      {STATE_ACCEPTED, {{"psb", ACTION_ACCEPT}}, {{ACTION_HAND_OVER_ITEMS, "S"}}},
      {STATE_ITEMS_HANDED_OVER, {{"psb", ACTION_ACCEPT}, {"market", ACTION_HAND_OVER_ITEMS}}, {}},
      {STATE_REFUSED,
       {refuse},
       {{ACTION_REQUEST_RECONSIDERATION, "S"},
        {ACTION_REQUEST_SUPERVISION, "S"},
        {ACTION_OPEN_SUPERVISION, "P"},
        {ACTION_LINK_PENALTY, "S"}}},
      {STATE_RECONSIDERATION_REQUESTED, {refuse, {"market", ACTION_REQUEST_RECONSIDERATION}},
       {{ACTION_ACCEPT, "R"}, {ACTION_UPHOLD_REFUSAL, "R"}}},
      {STATE_REFUSAL_UPHELD,
       {refuse, {"market", ACTION_REQUEST_RECONSIDERATION}, {"psb", ACTION_UPHOLD_REFUSAL}},
       {{ACTION_REQUEST_SUPERVISION, "S"}, {ACTION_OPEN_SUPERVISION, "P"}, {ACTION_LINK_PENALTY, "S"}}},
      {STATE_SUPERVISION_REQUESTED, {refuse, {"market", ACTION_REQUEST_SUPERVISION}},
       {{ACTION_OPEN_SUPERVISION, "P"}, {ACTION_DECLINE_SUPERVISION, "P"}}},
      {STATE_UNDER_SUPERVISION,
       {refuse, open},
       {{ACTION_ACCEPT, "R"},
        {ACTION_CLOSE_SUPERVISION, "P"},
        {ACTION_REQUIRE_EXPLANATION, "P"},
        {ACTION_NOTIFY_FILING, "P"}}},
      {STATE_EXPLANATION_REQUIRED, {refuse, open, {"procuratorate", ACTION_REQUIRE_EXPLANATION}},
       {{ACTION_EXPLAIN, "R"}, {ACTION_ACCEPT, "R"}}},
      {STATE_FILING_NOTIFIED, {refuse, open, {"procuratorate", ACTION_NOTIFY_FILING}}, {{ACTION_ACCEPT, "R"}}},
      {STATE_SUPERVISION_CLOSED, {refuse, open, {"procuratorate", ACTION_CLOSE_SUPERVISION}},
       {{ACTION_LINK_PENALTY, "S"}}},
      {STATE_WITHDRAWN, {{"psb", ACTION_RETURN_FOR_MATERIAL}, {"market", ACTION_WITHDRAW}}, {}},
  };
}

std::vector<StateCase> ReverseStates() {
  using namespace v1;
  return {
      {STATE_DELIVERED, {}, {{ACTION_ACKNOWLEDGE, "R"}, {ACTION_REPORT_PROGRESS, "R"}}},
      {STATE_ACKNOWLEDGED, {{"market", ACTION_ACKNOWLEDGE}},
       {{ACTION_REPLY_PENALTY, "R"}, {ACTION_REPLY_NO_PENALTY, "R"}, {ACTION_REPORT_PROGRESS, "R"}}},
      {STATE_IN_PROGRESS, {{"market", ACTION_REPORT_PROGRESS}},
       {{ACTION_REPLY_PENALTY, "R"}, {ACTION_REPLY_NO_PENALTY, "R"}, {ACTION_REPORT_PROGRESS, "R"}}},
      {STATE_PENALTY_DECIDED, {{"market", ACTION_ACKNOWLEDGE}, {"market", ACTION_REPLY_PENALTY}}, {}},
      {STATE_NO_PENALTY, {{"market", ACTION_ACKNOWLEDGE}, {"market", ACTION_REPLY_NO_PENALTY}}, {}},
  };
}

std::vector<StateCase> SupervisionStates() {
  using namespace v1;
  return {
      {STATE_ISSUED, {}, {{ACTION_REPLY, "R"}, {ACTION_OBJECT, "R"}}},
      {STATE_OBJECTION_RAISED, {{"market", ACTION_OBJECT}},
       {{ACTION_UPHOLD_ON_REVIEW, "S"}, {ACTION_WITHDRAW_ON_REVIEW, "S"}}},
      {STATE_REPLIED, {{"market", ACTION_REPLY}}, {{ACTION_REPORT_RECTIFIED, "R"}, {ACTION_CLOSE, "S"}}},
      {STATE_RECTIFIED, {{"market", ACTION_REPLY}, {"market", ACTION_REPORT_RECTIFIED}},
       {{ACTION_CONFIRM_RECTIFICATION, "S"}, {ACTION_REJECT_RECTIFICATION, "S"}}},
      {STATE_CLOSED, {{"market", ACTION_REPLY}, {"procuratorate", ACTION_CLOSE}}, {}},
  };
}

class WorkflowRulesTest : public WorkflowTest {
 protected:
  // Agencies holding each party of the items made below (transfers market ->
  // psb; reverse transfers and supervision records procuratorate -> market).
  struct Parties {
    std::string sender, receiver;
  };

  v1::WorkflowActionRequest Full(const std::string& id, v1::WorkflowAction a) {
    auto r = Action(id, a, "理由");
    if (r.materials().empty()) {
      auto* m = r.add_materials();
      m->set_title("材料");
    }
    if (a == v1::ACTION_REPLY_PENALTY || a == v1::ACTION_LINK_PENALTY) r.set_linked_case_id(penalty_case_);
    if (a == v1::ACTION_EXTEND_DECISION) r.set_approver("县级以上公安机关负责人 张某");
    if (a == v1::ACTION_FORWARD_TO_COMPETENT) r.set_forward_to_agency("psb");
    return r;
  }

  absl::Status Act(bool supervision, const std::string& agency, const std::string& id,
                   v1::WorkflowAction a) {
    if (supervision) return As(agency).ActOnSupervision(Full(id, a)).status();
    return As(agency).ActOnTransfer(Full(id, a)).status();
  }

  // Drives a fresh item of the flow to each state, then tries every action.
  void CheckFlow(const std::vector<StateCase>& states, bool supervision,
                 const std::function<std::string()>& make, const Parties& parties) {
    for (const StateCase& sc : states) {
      SCOPED_TRACE(v1::WorkflowState_Name(sc.state));
      const std::string id = make();
      for (const Step& s : sc.path) ASSERT_TRUE(Act(supervision, s.agency, id, s.action).ok());
      for (int a = v1::WorkflowAction_MIN; a <= v1::WorkflowAction_MAX; ++a) {
        if (!v1::WorkflowAction_IsValid(a) || a == v1::ACTION_UNSPECIFIED || a == v1::ACTION_CREATE) continue;
        const auto action = static_cast<v1::WorkflowAction>(a);
        SCOPED_TRACE(v1::WorkflowAction_Name(action));
        auto it = sc.allowed.find(action);
        if (it == sc.allowed.end()) {
          absl::Status st = Act(supervision, "procuratorate", id, action);
          EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition) << st;
          EXPECT_THAT(st.message(), HasSubstr(v1::WorkflowState_Name(sc.state)));
          ++invalid_checked_;
          continue;
        }
        // Every agency that does not hold the party is refused.
        std::set<std::string> holders;
        if (it->second.find('S') != std::string::npos) holders.insert(parties.sender);
        if (it->second.find('R') != std::string::npos) holders.insert(parties.receiver);
        if (it->second.find('P') != std::string::npos) holders.insert("procuratorate");
        for (const std::string& agency : {parties.sender, parties.receiver, std::string("procuratorate")}) {
          if (holders.count(agency)) continue;
          absl::Status st = Act(supervision, agency, id, action);
          EXPECT_EQ(st.code(), absl::StatusCode::kPermissionDenied) << agency << ": " << st;
          EXPECT_THAT(st.message(), HasSubstr("may be taken only by"));
          ++wrong_actor_checked_;
        }
        // An uninvolved agency does not even see the item.
        EXPECT_EQ(Act(supervision, "emergency", id, action).code(), absl::StatusCode::kNotFound);
      }
    }
  }

  std::string penalty_case_;
  int invalid_checked_ = 0;
  int wrong_actor_checked_ = 0;
};

TEST_F(WorkflowRulesTest, ForwardTransferEveryInvalidTransitionAndWrongActor) {
  penalty_case_ = NewCase("market");
  CheckFlow(ForwardStates(), false, [&] { return NewForward(); }, {"market", "psb"});
  EXPECT_GT(invalid_checked_, 100);
  EXPECT_GT(wrong_actor_checked_, 10);
}

TEST_F(WorkflowRulesTest, ReverseTransferEveryInvalidTransitionAndWrongActor) {
  penalty_case_ = NewCase("market");
  CheckFlow(ReverseStates(), false, [&] {
    auto r = Reverse("market");
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->transfer().id() : "";
  }, {"procuratorate", "market"});
  EXPECT_GT(invalid_checked_, 50);
}

TEST_F(WorkflowRulesTest, SupervisionEveryInvalidTransitionAndWrongActor) {
  CheckFlow(SupervisionStates(), true, [&] {
    auto r = Supervise("market", "");
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->record().id() : "";
  }, {"procuratorate", "market"});
  EXPECT_GT(invalid_checked_, 50);
}

}  // namespace
}  // namespace caselink::testing
