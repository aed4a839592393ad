// The workflow library on its own (no server, no storage, no gRPC): every
// state x action x actor of every flow against an expected table written out
// here independently of workflow_rules.cc, plus creation, visibility,
// deadlines and periods.
#include "workflow/item_machine.h"

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "caselink_common/proto_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace caselink::workflow {
namespace {

using ::testing::HasSubstr;
using v1::WorkflowAction;
using v1::WorkflowState;

enum Who { kBySender, kByReceiver, kByProcuratorate };

struct Allowed {
  WorkflowState from;
  WorkflowAction action;
  WorkflowState to;
  Who who;
};

// What docs/workflow.md says each flow allows (国务院令第310号 and the
// district's supervision ledger), written independently of the code's tables.
const std::vector<Allowed>& ExpectedForward() {
  static const auto* t = new std::vector<Allowed>{
      {v1::STATE_SENT, v1::ACTION_ACCEPT, v1::STATE_ACCEPTED, kByReceiver},
      {v1::STATE_SENT, v1::ACTION_REFUSE, v1::STATE_REFUSED, kByReceiver},
      {v1::STATE_SENT, v1::ACTION_RETURN_FOR_MATERIAL, v1::STATE_RETURNED, kByReceiver},
      {v1::STATE_RETURNED, v1::ACTION_RESUBMIT, v1::STATE_SENT, kBySender},
      {v1::STATE_RETURNED, v1::ACTION_WITHDRAW, v1::STATE_WITHDRAWN, kBySender},
      {v1::STATE_REFUSED, v1::ACTION_REQUEST_RECONSIDERATION, v1::STATE_RECONSIDERATION_REQUESTED, kBySender},
      {v1::STATE_REFUSED, v1::ACTION_OPEN_SUPERVISION, v1::STATE_UNDER_SUPERVISION, kByProcuratorate},
      {v1::STATE_RECONSIDERATION_REQUESTED, v1::ACTION_ACCEPT, v1::STATE_ACCEPTED, kByReceiver},
      {v1::STATE_RECONSIDERATION_REQUESTED, v1::ACTION_UPHOLD_REFUSAL, v1::STATE_REFUSAL_UPHELD, kByReceiver},
      {v1::STATE_REFUSAL_UPHELD, v1::ACTION_OPEN_SUPERVISION, v1::STATE_UNDER_SUPERVISION, kByProcuratorate},
      {v1::STATE_UNDER_SUPERVISION, v1::ACTION_ACCEPT, v1::STATE_ACCEPTED, kByReceiver},
      {v1::STATE_UNDER_SUPERVISION, v1::ACTION_CLOSE_SUPERVISION, v1::STATE_SUPERVISION_CLOSED, kByProcuratorate},
  };
  return *t;
}
const std::vector<Allowed>& ExpectedReverse() {
  static const auto* t = new std::vector<Allowed>{
      {v1::STATE_DELIVERED, v1::ACTION_ACKNOWLEDGE, v1::STATE_ACKNOWLEDGED, kByReceiver},
      {v1::STATE_ACKNOWLEDGED, v1::ACTION_REPLY_PENALTY, v1::STATE_PENALTY_DECIDED, kByReceiver},
      {v1::STATE_ACKNOWLEDGED, v1::ACTION_REPLY_NO_PENALTY, v1::STATE_NO_PENALTY, kByReceiver},
  };
  return *t;
}
const std::vector<Allowed>& ExpectedSupervision() {
  static const auto* t = new std::vector<Allowed>{
      {v1::STATE_ISSUED, v1::ACTION_REPLY, v1::STATE_REPLIED, kByReceiver},
      {v1::STATE_REPLIED, v1::ACTION_REPORT_RECTIFIED, v1::STATE_RECTIFIED, kByReceiver},
      {v1::STATE_REPLIED, v1::ACTION_CLOSE, v1::STATE_CLOSED, kBySender},
      {v1::STATE_RECTIFIED, v1::ACTION_CONFIRM_RECTIFICATION, v1::STATE_CLOSED, kBySender},
      {v1::STATE_RECTIFIED, v1::ACTION_REJECT_RECTIFICATION, v1::STATE_REPLIED, kBySender},
  };
  return *t;
}

Actor MakeActor(const std::string& id, std::vector<v1::Role> roles) { return Actor{id, std::move(roles)}; }

const Actor kMarket = MakeActor("market", {v1::ENFORCEMENT});
const Actor kTax = MakeActor("tax", {v1::ENFORCEMENT});
const Actor kPolice = MakeActor("psb", {v1::POLICE});
const Actor kProc = MakeActor("proc", {v1::PROCURATORATE});
const Actor kJustice = MakeActor("justice", {v1::JUSTICE});

Settings DistrictSettings() {
  absl::StatusOr<Settings> s = Settings::From(v1::WorkflowConfig());
  EXPECT_TRUE(s.ok()) << s.status();
  return *s;
}

// 2024-03-05 10:00 in Asia/Shanghai.
absl::Time T0() { return absl::FromCivil(absl::CivilSecond(2024, 3, 5, 10, 0, 0), DistrictSettings().tz); }

// A request carrying everything any rule may require, so only the table
// decides.
v1::WorkflowActionRequest FullRequest(const std::string& id, WorkflowAction action) {
  v1::WorkflowActionRequest req;
  req.set_id(id);
  req.set_request_id("r1");
  req.set_action(action);
  req.set_reason("reason");
  req.set_linked_case_id("C20240305-AAAAAAAAAAAA");
  v1::Material* m = req.add_materials();
  m->set_title("补充材料");
  return req;
}

template <class Item>
Item InState(Item item, WorkflowState state) {
  item.set_state(state);
  item.clear_deadline();  // periods are tested below, not here
  return item;
}

// Runs every state x action x actor of one flow against `expected`.
template <class Item>
void CheckFlow(const Item& created, const std::vector<Allowed>& expected,
               const std::map<Who, Actor>& parties) {
  const Settings settings = DistrictSettings();
  const auto* states = v1::WorkflowState_descriptor();
  const auto* actions = v1::WorkflowAction_descriptor();
  int checked = 0;
  for (int si = 0; si < states->value_count(); ++si) {
    const auto state = static_cast<WorkflowState>(states->value(si)->number());
    if (state == v1::STATE_UNSPECIFIED) continue;
    std::vector<const Allowed*> from_here;
    for (const Allowed& a : expected) {
      if (a.from == state) from_here.push_back(&a);
    }
    for (int ai = 0; ai < actions->value_count(); ++ai) {
      const auto action = static_cast<WorkflowAction>(actions->value(ai)->number());
      if (action == v1::ACTION_UNSPECIFIED || action == v1::ACTION_CREATE) continue;
      const Allowed* rule = nullptr;
      for (const Allowed* a : from_here) {
        if (a->action == action) rule = a;
      }
      for (const auto& [who, actor] : parties) {
        const Item cur = InState(created, state);
        absl::StatusOr<Step<Item>> step = Act(settings, actor, cur, FullRequest(cur.id(), action), T0());
        const std::string at = absl::StrCat(v1::WorkflowState_Name(state), " x ",
                                            v1::WorkflowAction_Name(action), " by ", actor.agency_id);
        ++checked;
        if (rule == nullptr) {
          ASSERT_EQ(step.status().code(), absl::StatusCode::kFailedPrecondition) << at;
          EXPECT_THAT(std::string(step.status().message()), HasSubstr(v1::WorkflowState_Name(state))) << at;
        } else if (rule->who != who) {
          ASSERT_EQ(step.status().code(), absl::StatusCode::kPermissionDenied) << at << ": " << step.status();
          EXPECT_THAT(std::string(step.status().message()), HasSubstr("may be taken only by")) << at;
        } else {
          ASSERT_TRUE(step.ok()) << at << ": " << step.status();
          EXPECT_EQ(step->item.state(), rule->to) << at;
          EXPECT_EQ(step->item.step(), cur.step() + 1) << at;
          EXPECT_EQ(step->transition.from_state(), state) << at;
          EXPECT_EQ(step->transition.to_state(), rule->to) << at;
          EXPECT_EQ(step->transition.actor_agency(), actor.agency_id) << at;
          EXPECT_EQ(step->item.last_transition().action(), action) << at;
          EXPECT_THAT(step->item.participants(), ::testing::Contains(actor.agency_id)) << at;
        }
      }
    }
  }
  EXPECT_GT(checked, 100);
}

v1::Transfer NewTransfer(v1::TransferDirection dir, const Actor& sender, const std::string& receiver) {
  v1::Transfer draft;
  draft.set_direction(dir);
  draft.set_receiver_agency(receiver);
  draft.set_subject("涉嫌生产销售伪劣产品");
  return Create(DistrictSettings(), sender, "T20240305-AAAAAAAAAAAA", draft, T0(), absl::InfinitePast()).item;
}

v1::SupervisionRecord NewRecord() {
  v1::SupervisionRecord draft;
  draft.set_kind(v1::SUPERVISION_RECOMMENDATION);
  draft.set_receiver_agency("market");
  draft.set_subject("检察建议");
  return Create(DistrictSettings(), kProc, "S20240305-AAAAAAAAAAAA", draft, T0(), T0()).item;
}

TEST(WorkflowMachineTest, ForwardTransferEveryStateActionAndActor) {
  CheckFlow(NewTransfer(v1::TRANSFER_FORWARD, kMarket, "psb"), ExpectedForward(),
            {{kBySender, kMarket}, {kByReceiver, kPolice}, {kByProcuratorate, kProc}});
}

TEST(WorkflowMachineTest, ReverseTransferEveryStateActionAndActor) {
  // The sender is the procuratorate, so it also holds the procuratorate's
  // part; the table gives the receiver every action.
  CheckFlow(NewTransfer(v1::TRANSFER_REVERSE, kProc, "market"), ExpectedReverse(),
            {{kBySender, kProc}, {kByReceiver, kMarket}});
}

TEST(WorkflowMachineTest, SupervisionEveryStateActionAndActor) {
  CheckFlow(NewRecord(), ExpectedSupervision(), {{kBySender, kProc}, {kByReceiver, kMarket}});
}

TEST(WorkflowMachineTest, OnlyParticipantsProcuratorateAndJusticeSeeAnItem) {
  const v1::Transfer t = NewTransfer(v1::TRANSFER_FORWARD, kMarket, "psb");
  EXPECT_TRUE(CanSee(kMarket, t));
  EXPECT_TRUE(CanSee(kPolice, t));
  EXPECT_TRUE(CanSee(kProc, t));
  EXPECT_TRUE(CanSee(kJustice, t));
  EXPECT_FALSE(CanSee(kTax, t));
  // An agency that cannot see the item learns nothing: NOT_FOUND, as for a
  // missing item, whatever the action.
  auto step = Act(DistrictSettings(), kTax, t, FullRequest(t.id(), v1::ACTION_ACCEPT), T0());
  EXPECT_EQ(step.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(step.status().message(), "transfer 'T20240305-AAAAAAAAAAAA' not found");
  // Justice sees but holds no part.
  step = Act(DistrictSettings(), kJustice, t, FullRequest(t.id(), v1::ACTION_ACCEPT), T0());
  EXPECT_EQ(step.status().code(), absl::StatusCode::kPermissionDenied);
}

TEST(WorkflowMachineTest, CreateSetsSenderParticipantsStepAndFirstDeadline) {
  const v1::Transfer t = NewTransfer(v1::TRANSFER_FORWARD, kMarket, "psb");
  EXPECT_EQ(t.state(), v1::STATE_SENT);
  EXPECT_EQ(t.sender_agency(), "market");
  EXPECT_THAT(t.participants(), ::testing::ElementsAre("market", "psb"));
  EXPECT_EQ(t.step(), 1);
  EXPECT_EQ(t.last_transition().action(), v1::ACTION_CREATE);
  // 国务院令第310号 第八条: 3 days from acceptance, the start day not
  // counted, ending at 24:00: 2024-03-05 10:00 -> 2024-03-09 00:00.
  ASSERT_TRUE(t.has_deadline());
  EXPECT_EQ(FromProtoTime(t.deadline().due_time()),
            absl::FromCivil(absl::CivilDay(2024, 3, 9), DistrictSettings().tz));
  EXPECT_EQ(t.deadline().party_agency(), "psb");
  EXPECT_THAT(t.deadline().rule(), HasSubstr("第八条"));
  EXPECT_FALSE(t.deadline().window());
}

TEST(WorkflowMachineTest, SupervisionReplyPeriodRunsFromServiceTime) {
  // 两个月 from 送达 on 2024-03-05: ends 24:00 of 2024-05-05.
  const v1::SupervisionRecord r = NewRecord();
  ASSERT_TRUE(r.has_deadline());
  EXPECT_EQ(FromProtoTime(r.deadline().due_time()),
            absl::FromCivil(absl::CivilDay(2024, 5, 6), DistrictSettings().tz));
  EXPECT_EQ(r.deadline().party_agency(), "market");
}

TEST(WorkflowMachineTest, OverdueOnlyForObligationsPastTheirEnd) {
  v1::Transfer t = NewTransfer(v1::TRANSFER_FORWARD, kMarket, "psb");
  const absl::Time due = FromProtoTime(t.deadline().due_time());
  MarkOverdue(due - absl::Seconds(1), &t);
  EXPECT_FALSE(t.overdue());
  MarkOverdue(due, &t);
  EXPECT_TRUE(t.overdue());
  // A window (an optional action's period) is never overdue.
  v1::Deadline window = t.deadline();
  window.set_window(true);
  EXPECT_FALSE(IsOverdue(window, due + absl::Hours(24 * 365)));
}

TEST(WorkflowMachineTest, ActionWithinAPeriodIsRefusedOnceItEnded) {
  const Settings settings = DistrictSettings();
  v1::Transfer t = NewTransfer(v1::TRANSFER_FORWARD, kMarket, "psb");
  auto refused = Act(settings, kPolice, t, FullRequest(t.id(), v1::ACTION_REFUSE), T0());
  ASSERT_TRUE(refused.ok()) << refused.status();
  t = refused->item;
  // 第九条: 3 days to ask for reconsideration, as a window for the sender.
  ASSERT_TRUE(t.has_deadline());
  EXPECT_TRUE(t.deadline().window());
  const absl::Time due = FromProtoTime(t.deadline().due_time());
  auto in_time = Act(settings, kMarket, t, FullRequest(t.id(), v1::ACTION_REQUEST_RECONSIDERATION),
                     due - absl::Minutes(1));
  EXPECT_TRUE(in_time.ok()) << in_time.status();
  auto late = Act(settings, kMarket, t, FullRequest(t.id(), v1::ACTION_REQUEST_RECONSIDERATION), due);
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(late.status().message()), HasSubstr("第九条"));
  // The procuratorate's supervision is not bound by that window.
  auto supervise = Act(settings, kProc, t, FullRequest(t.id(), v1::ACTION_OPEN_SUPERVISION), due);
  EXPECT_TRUE(supervise.ok()) << supervise.status();
}

TEST(WorkflowMachineTest, EveryRequirementIsNamedWhenMissing) {
  const Settings settings = DistrictSettings();
  const v1::Transfer t = NewTransfer(v1::TRANSFER_FORWARD, kMarket, "psb");
  v1::WorkflowActionRequest req = FullRequest(t.id(), v1::ACTION_REFUSE);
  req.clear_reason();
  auto s = Act(settings, kPolice, t, req, T0());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("reason"));

  v1::Transfer returned = InState(t, v1::STATE_RETURNED);
  req = FullRequest(t.id(), v1::ACTION_RESUBMIT);
  req.clear_materials();
  s = Act(settings, kMarket, returned, req, T0());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("materials"));

  const v1::Transfer reverse = InState(NewTransfer(v1::TRANSFER_REVERSE, kProc, "market"), v1::STATE_ACKNOWLEDGED);
  req = FullRequest(reverse.id(), v1::ACTION_REPLY_PENALTY);
  req.clear_linked_case_id();
  s = Act(settings, kMarket, reverse, req, T0());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("linked_case_id"));
}

TEST(WorkflowMachineTest, RefusalNotifiesTheProcuratorate) {
  const Settings settings = DistrictSettings();
  const v1::Transfer t = NewTransfer(v1::TRANSFER_FORWARD, kMarket, "psb");
  auto refused = Act(settings, kPolice, t, FullRequest(t.id(), v1::ACTION_REFUSE), T0());
  ASSERT_TRUE(refused.ok());
  EXPECT_TRUE(refused->notify_procuratorate);
  auto accepted = Act(settings, kPolice, t, FullRequest(t.id(), v1::ACTION_ACCEPT), T0());
  ASSERT_TRUE(accepted.ok());
  EXPECT_FALSE(accepted->notify_procuratorate);
}

TEST(WorkflowMachineTest, AMisspeltTimeZoneIsAConfigurationError) {
  v1::WorkflowConfig config;
  config.set_time_zone("Asia/Shanghia");
  auto s = Settings::From(config);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("workflow.time_zone"));
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("Asia/Shanghia"));
  config.set_time_zone("Asia/Urumqi");
  EXPECT_TRUE(Settings::From(config).ok());
}

}  // namespace
}  // namespace caselink::workflow
