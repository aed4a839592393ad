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
#include "workflow/deadline_reminder.h"
#include "workflow/workflow_config.h"
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
      // 第七条 回执, 经济犯罪规定第十六条 extensions, 第九条 立案监督 proposals,
      // 刑诉规则 第五百六十条/第五百六十三条, 第十二条 涉案物品, 第十条 penalty.
      {v1::STATE_SENT, v1::ACTION_ISSUE_RECEIPT, v1::STATE_SENT, kByReceiver},
      {v1::STATE_SENT, v1::ACTION_EXTEND_DECISION, v1::STATE_SENT, kByReceiver},
      {v1::STATE_SENT, v1::ACTION_FORWARD_TO_COMPETENT, v1::STATE_SENT, kByReceiver},
      {v1::STATE_REFUSED, v1::ACTION_REQUEST_SUPERVISION, v1::STATE_SUPERVISION_REQUESTED, kBySender},
      {v1::STATE_REFUSED, v1::ACTION_LINK_PENALTY, v1::STATE_REFUSED, kBySender},
      {v1::STATE_REFUSAL_UPHELD, v1::ACTION_REQUEST_SUPERVISION, v1::STATE_SUPERVISION_REQUESTED, kBySender},
      {v1::STATE_REFUSAL_UPHELD, v1::ACTION_LINK_PENALTY, v1::STATE_REFUSAL_UPHELD, kBySender},
      {v1::STATE_SUPERVISION_REQUESTED, v1::ACTION_OPEN_SUPERVISION, v1::STATE_UNDER_SUPERVISION, kByProcuratorate},
      {v1::STATE_SUPERVISION_REQUESTED, v1::ACTION_DECLINE_SUPERVISION, v1::STATE_SUPERVISION_CLOSED, kByProcuratorate},
      {v1::STATE_UNDER_SUPERVISION, v1::ACTION_REQUIRE_EXPLANATION, v1::STATE_EXPLANATION_REQUIRED, kByProcuratorate},
      {v1::STATE_UNDER_SUPERVISION, v1::ACTION_NOTIFY_FILING, v1::STATE_FILING_NOTIFIED, kByProcuratorate},
      {v1::STATE_EXPLANATION_REQUIRED, v1::ACTION_EXPLAIN, v1::STATE_UNDER_SUPERVISION, kByReceiver},
      {v1::STATE_EXPLANATION_REQUIRED, v1::ACTION_ACCEPT, v1::STATE_ACCEPTED, kByReceiver},
      {v1::STATE_FILING_NOTIFIED, v1::ACTION_ACCEPT, v1::STATE_ACCEPTED, kByReceiver},
      {v1::STATE_ACCEPTED, v1::ACTION_HAND_OVER_ITEMS, v1::STATE_ITEMS_HANDED_OVER, kBySender},
      {v1::STATE_SUPERVISION_CLOSED, v1::ACTION_LINK_PENALTY, v1::STATE_SUPERVISION_CLOSED, kBySender},
  };
  return *t;
}
const std::vector<Allowed>& ExpectedReverse() {
  static const auto* t = new std::vector<Allowed>{
      {v1::STATE_DELIVERED, v1::ACTION_ACKNOWLEDGE, v1::STATE_ACKNOWLEDGED, kByReceiver},
      {v1::STATE_ACKNOWLEDGED, v1::ACTION_REPLY_PENALTY, v1::STATE_PENALTY_DECIDED, kByReceiver},
      {v1::STATE_ACKNOWLEDGED, v1::ACTION_REPLY_NO_PENALTY, v1::STATE_NO_PENALTY, kByReceiver},
      {v1::STATE_DELIVERED, v1::ACTION_REPORT_PROGRESS, v1::STATE_IN_PROGRESS, kByReceiver},
      {v1::STATE_ACKNOWLEDGED, v1::ACTION_REPORT_PROGRESS, v1::STATE_IN_PROGRESS, kByReceiver},
      {v1::STATE_IN_PROGRESS, v1::ACTION_REPORT_PROGRESS, v1::STATE_IN_PROGRESS, kByReceiver},
      {v1::STATE_IN_PROGRESS, v1::ACTION_REPLY_PENALTY, v1::STATE_PENALTY_DECIDED, kByReceiver},
      {v1::STATE_IN_PROGRESS, v1::ACTION_REPLY_NO_PENALTY, v1::STATE_NO_PENALTY, kByReceiver},
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
      // 《人民检察院检察建议工作规定》第二十三条: 异议 and 复核.
      {v1::STATE_ISSUED, v1::ACTION_OBJECT, v1::STATE_OBJECTION_RAISED, kByReceiver},
      {v1::STATE_OBJECTION_RAISED, v1::ACTION_UPHOLD_ON_REVIEW, v1::STATE_ISSUED, kBySender},
      {v1::STATE_OBJECTION_RAISED, v1::ACTION_WITHDRAW_ON_REVIEW, v1::STATE_CLOSED, kBySender},
  };
  return *t;
}

// 整改通知 (oversight.md): report, accept or return; object and review.
const std::vector<Allowed>& ExpectedRectification() {
  static const auto* t = new std::vector<Allowed>{
      {v1::STATE_ISSUED, v1::ACTION_REPORT_RECTIFIED, v1::STATE_RECTIFIED, kByReceiver},
      {v1::STATE_RECTIFIED, v1::ACTION_CONFIRM_RECTIFICATION, v1::STATE_CLOSED, kBySender},
      {v1::STATE_RECTIFIED, v1::ACTION_REJECT_RECTIFICATION, v1::STATE_ISSUED, kBySender},
      {v1::STATE_ISSUED, v1::ACTION_OBJECT, v1::STATE_OBJECTION_RAISED, kByReceiver},
      {v1::STATE_OBJECTION_RAISED, v1::ACTION_UPHOLD_ON_REVIEW, v1::STATE_ISSUED, kBySender},
      {v1::STATE_OBJECTION_RAISED, v1::ACTION_WITHDRAW_ON_REVIEW, v1::STATE_CLOSED, kBySender},
  };
  return *t;
}

// 议定事项: the owner reports, the convener closes or reopens.
const std::vector<Allowed>& ExpectedDecision() {
  static const auto* t = new std::vector<Allowed>{
      {v1::STATE_ASSIGNED, v1::ACTION_REPORT_PROGRESS, v1::STATE_ASSIGNED, kByReceiver},
      {v1::STATE_ASSIGNED, v1::ACTION_REPORT_DONE, v1::STATE_DONE_REPORTED, kByReceiver},
      {v1::STATE_ASSIGNED, v1::ACTION_CLOSE, v1::STATE_CLOSED, kBySender},
      {v1::STATE_DONE_REPORTED, v1::ACTION_CLOSE, v1::STATE_CLOSED, kBySender},
      {v1::STATE_DONE_REPORTED, v1::ACTION_REOPEN, v1::STATE_ASSIGNED, kBySender},
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
  if (action == v1::ACTION_REPLY) req.set_adoption(v1::ADOPTED);
  if (action == v1::ACTION_EXTEND_DECISION) req.set_approver("县级以上公安机关负责人 张某");
  if (action == v1::ACTION_FORWARD_TO_COMPETENT) req.set_forward_to_agency("psb-traffic");
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
  return Create(DistrictSettings(), sender, "T20240305-AAAAAAAAAAAA", draft, T0())->item;
}

v1::SupervisionRecord NewRecord() {
  v1::SupervisionRecord draft;
  draft.set_kind(v1::SUPERVISION_RECOMMENDATION);
  draft.set_receiver_agency("market");
  draft.set_subject("检察建议");
  *draft.mutable_service_time() = ToProtoTime(T0());
  return Create(DistrictSettings(), kProc, "S20240305-AAAAAAAAAAAA", draft, T0())->item;
}

v1::Rectification NewNotice(const std::string& due_date) {
  v1::Rectification draft;
  draft.set_campaign_id("K20240305-AAAAAAAAAAAA");
  draft.set_receiver_agency("market");
  draft.set_subject("整改: 处罚决定书未载明救济途径");
  draft.set_due_date(due_date);
  return Create(DistrictSettings(), kJustice, "R20240305-AAAAAAAAAAAA", draft, T0())->item;
}

v1::DecisionItem NewDecision(const std::string& due_date) {
  v1::DecisionItem draft;
  draft.set_meeting_id("M20240305-AAAAAAAAAAAA");
  draft.set_receiver_agency("market");
  draft.set_subject("排查涉刑线索");
  draft.set_due_date(due_date);
  return Create(DistrictSettings(), MakeActor("government", {v1::GOVERNMENT}), "A20240305-AAAAAAAAAAAA", draft,
                T0())
      ->item;
}

TEST(WorkflowMachineTest, RectificationEveryStateActionAndActor) {
  CheckFlow(NewNotice("2024-03-20"), ExpectedRectification(), {{kBySender, kJustice}, {kByReceiver, kMarket}});
}

TEST(WorkflowMachineTest, DecisionItemEveryStateActionAndActor) {
  CheckFlow(NewDecision("2024-03-20"), ExpectedDecision(),
            {{kBySender, MakeActor("government", {v1::GOVERNMENT})}, {kByReceiver, kMarket}});
}

// A notice's and a decision item's period is their own due date: 24:00 of
// that day, moved past a rest day; a return restarts nothing.
TEST(WorkflowMachineTest, ADueDateEndsAtMidnightAndSkipsRestDays) {
  const Settings s = DistrictSettings();
  const v1::Rectification n = NewNotice("2024-03-20");  // a Wednesday
  ASSERT_TRUE(n.has_deadline());
  EXPECT_EQ(FromProtoTime(n.deadline().due_time()), absl::FromCivil(absl::CivilDay(2024, 3, 21), s.tz));
  EXPECT_EQ(n.deadline().party_agency(), "market");
  const v1::DecisionItem d = NewDecision("2024-03-23");  // a Saturday -> Monday 25th
  ASSERT_TRUE(d.has_deadline());
  EXPECT_EQ(FromProtoTime(d.deadline().due_time()), absl::FromCivil(absl::CivilDay(2024, 3, 26), s.tz));
  v1::WorkflowActionRequest report = FullRequest(n.id(), v1::ACTION_REPORT_RECTIFIED);
  auto reported = Act(s, kMarket, n, report, T0());
  ASSERT_TRUE(reported.ok()) << reported.status();
  EXPECT_FALSE(reported->item.has_deadline()) << "awaiting the issuer: no obligation of the agency";
  auto returned = Act(s, kJustice, reported->item, FullRequest(n.id(), v1::ACTION_REJECT_RECTIFICATION),
                      T0() + absl::Hours(24 * 30));
  ASSERT_TRUE(returned.ok()) << returned.status();
  EXPECT_EQ(FromProtoTime(returned->item.deadline().due_time()), absl::FromCivil(absl::CivilDay(2024, 3, 21), s.tz));
  EXPECT_TRUE(IsOverdue(returned->item.deadline(), T0() + absl::Hours(24 * 30)));
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

TEST(WorkflowMachineTest, ATransferNotApprovedIsOnRecordForTheAgencyAndTheProcuratorateOnly) {
  // 国务院令第310号 第五条第二款: 决定不批准的，应当将不予批准的理由记录在案.
  v1::Transfer draft;
  draft.set_direction(v1::TRANSFER_FORWARD);
  draft.set_receiver_agency("psb");  // ignored: it is sent to no one
  draft.set_subject("涉嫌生产销售伪劣产品");
  auto step = Create(DistrictSettings(), kMarket, "T20240305-AAAAAAAAAAAA", draft, T0(),
                     Entry{v1::STATE_NOT_APPROVED, "货值未达追诉标准"});
  ASSERT_TRUE(step.ok()) << step.status();
  const v1::Transfer& t = step->item;
  EXPECT_EQ(t.state(), v1::STATE_NOT_APPROVED);
  EXPECT_EQ(t.receiver_agency(), "");
  EXPECT_THAT(t.participants(), ::testing::ElementsAre("market"));
  EXPECT_EQ(step->transition.reason(), "货值未达追诉标准");
  EXPECT_EQ(t.last_transition().reason(), "货值未达追诉标准");
  EXPECT_TRUE(step->notify_procuratorate);
  EXPECT_FALSE(t.has_deadline());  // terminal
  EXPECT_TRUE(CanSee(kMarket, t));
  EXPECT_TRUE(CanSee(kProc, t));
  EXPECT_FALSE(CanSee(kPolice, t));
  EXPECT_FALSE(CanSee(kTax, t));
  // Nothing follows, for anyone.
  for (const Actor& a : {kMarket, kProc}) {
    auto next = Act(DistrictSettings(), a, t, FullRequest(t.id(), v1::ACTION_RESUBMIT), T0());
    EXPECT_EQ(next.status().code(), absl::StatusCode::kFailedPrecondition) << next.status();
  }
  // The default entry is addressed and tells no procuratorate.
  auto sent = Create(DistrictSettings(), kMarket, "T20240305-AAAAAAAAAAAB", draft, T0());
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(sent->item.state(), v1::STATE_SENT);
  EXPECT_FALSE(sent->notify_procuratorate);
  // A reverse transfer has no such entry.
  draft.set_direction(v1::TRANSFER_REVERSE);
  auto reverse = Create(DistrictSettings(), kProc, "T20240305-AAAAAAAAAAAC", draft, T0(),
                        Entry{v1::STATE_NOT_APPROVED, "x"});
  EXPECT_EQ(reverse.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(reverse.status().message(), HasSubstr("STATE_NOT_APPROVED"));
}

TEST(WorkflowMachineTest, SupervisionReplyPeriodRunsFromServiceTime) {
  // 两个月 from 送达 on 2024-03-05 ends on 2024-05-05, a Sunday: the last day
  // moves to Monday 2024-05-06 (民法典 第二百零三条), ending at its 24:00.
  const v1::SupervisionRecord r = NewRecord();
  ASSERT_TRUE(r.has_deadline());
  EXPECT_EQ(FromProtoTime(r.deadline().due_time()),
            absl::FromCivil(absl::CivilDay(2024, 5, 7), DistrictSettings().tz));
  EXPECT_EQ(r.deadline().party_agency(), "market");
  EXPECT_EQ(FromProtoTime(r.deadline().start_time()), T0());
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

absl::CivilDay DueDay(const v1::Deadline& d) {
  // The day whose 24:00 the deadline is.
  return absl::ToCivilDay(FromProtoTime(d.due_time()), DistrictSettings().tz) - 1;
}

template <class Item>
Item Must(absl::StatusOr<Step<Item>> step) {
  EXPECT_TRUE(step.ok()) << step.status();
  return step.ok() ? step->item : Item();
}

TEST(WorkflowMachineTest, ReverseTransferPeriodRunsFromReceiptNotFromAcknowledgement) {
  const Settings settings = DistrictSettings();
  const v1::Transfer t = NewTransfer(v1::TRANSFER_REVERSE, kProc, "market");
  const v1::Deadline first = t.deadline();
  // 签收 on day 59 keeps the period that started at delivery.
  const v1::Transfer acked =
      Must(Act(settings, kMarket, t, FullRequest(t.id(), v1::ACTION_ACKNOWLEDGE), T0() + absl::Hours(24 * 59)));
  EXPECT_EQ(acked.state(), v1::STATE_ACKNOWLEDGED);
  EXPECT_EQ(acked.deadline().due_time().seconds(), first.due_time().seconds());
  EXPECT_EQ(acked.deadline().start_time().seconds(), first.start_time().seconds());
  v1::Transfer later = acked;
  MarkOverdue(FromProtoTime(first.due_time()) + absl::Minutes(1), &later);
  EXPECT_TRUE(later.overdue());
}

TEST(WorkflowMachineTest, InterimReplyOfProgressMeetsTheReplyPeriod) {
  const Settings settings = DistrictSettings();
  const v1::Transfer t = NewTransfer(v1::TRANSFER_REVERSE, kProc, "market");
  const v1::Transfer progress = Must(
      Act(settings, kMarket, t, FullRequest(t.id(), v1::ACTION_REPORT_PROGRESS), T0() + absl::Hours(24 * 30)));
  EXPECT_EQ(progress.state(), v1::STATE_IN_PROGRESS);
  // The final reply after an interim one has no national period: none unless
  // the district sets workflow.reverse_final_reply.
  EXPECT_FALSE(progress.has_deadline());
  v1::Transfer much_later = progress;
  MarkOverdue(T0() + absl::Hours(24 * 365), &much_later);
  EXPECT_FALSE(much_later.overdue());
  const v1::Transfer done = Must(Act(settings, kMarket, progress, FullRequest(t.id(), v1::ACTION_REPLY_PENALTY),
                                     T0() + absl::Hours(24 * 90)));
  EXPECT_EQ(done.state(), v1::STATE_PENALTY_DECIDED);

  v1::WorkflowConfig config;
  config.mutable_reverse_final_reply()->set_months(1);
  config.mutable_reverse_final_reply()->set_citation("district setting");
  const Settings district = *Settings::From(config);
  const v1::Transfer bounded = Must(
      Act(district, kMarket, t, FullRequest(t.id(), v1::ACTION_REPORT_PROGRESS), T0()));
  ASSERT_TRUE(bounded.has_deadline());
  EXPECT_EQ(bounded.deadline().rule(), "district setting");
}

TEST(WorkflowMachineTest, PoliceDecisionExtendsRungByRungFromReceipt) {
  const Settings settings = DistrictSettings();
  v1::Transfer t = NewTransfer(v1::TRANSFER_FORWARD, kMarket, "psb");
  // 回执 changes no period.
  const v1::Transfer receipted =
      Must(Act(settings, kPolice, t, FullRequest(t.id(), v1::ACTION_ISSUE_RECEIPT), T0() + absl::Hours(2)));
  EXPECT_EQ(receipted.deadline().due_time().seconds(), t.deadline().due_time().seconds());
  EXPECT_EQ(receipted.state(), v1::STATE_SENT);

  v1::WorkflowActionRequest no_approver = FullRequest(t.id(), v1::ACTION_EXTEND_DECISION);
  no_approver.clear_approver();
  EXPECT_THAT(std::string(Act(settings, kPolice, t, no_approver, T0()).status().message()),
              HasSubstr("approver"));

  // Received 2024-03-05: 10 days -> Friday 03-15; 30 days -> 04-04 (清明
  // falls on that Thursday in 2024, but with only weekends as rest days it
  // stays); 60 days -> 05-04, a Saturday, moved to Monday 05-06.
  const absl::CivilDay expected[] = {absl::CivilDay(2024, 3, 15), absl::CivilDay(2024, 4, 4),
                                     absl::CivilDay(2024, 5, 6)};
  absl::Time now = T0() + absl::Hours(24);
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    t = Must(Act(settings, kPolice, t, FullRequest(t.id(), v1::ACTION_EXTEND_DECISION), now));
    EXPECT_EQ(DueDay(t.deadline()), expected[i]);
    EXPECT_EQ(t.deadline().extensions(), i + 1);
    EXPECT_EQ(FromProtoTime(t.deadline().start_time()), T0());
    EXPECT_THAT(t.deadline().rule(), HasSubstr("第十六条"));
    EXPECT_THAT(t.deadline().rule(), HasSubstr(settings.config.police_decision_extension(i).approving_level()));
    EXPECT_EQ(t.last_transition().approver(), "县级以上公安机关负责人 张某");
  }
  auto fourth = Act(settings, kPolice, t, FullRequest(t.id(), v1::ACTION_EXTEND_DECISION), now);
  EXPECT_EQ(fourth.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(fourth.status().message()), HasSubstr("no further extension"));

  // An extension is asked for before the period ends, not after.
  const v1::Transfer fresh = NewTransfer(v1::TRANSFER_FORWARD, kMarket, "psb");
  auto late = Act(settings, kPolice, fresh, FullRequest(fresh.id(), v1::ACTION_EXTEND_DECISION),
                  FromProtoTime(fresh.deadline().due_time()));
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(WorkflowMachineTest, SupervisionKindsAndUrgencyHaveTheirOwnReplyPeriods) {
  const Settings settings = DistrictSettings();
  auto record = [&](v1::SupervisionKind kind, bool urgent) {
    v1::SupervisionRecord draft;
    draft.set_kind(kind);
    draft.set_urgent(urgent);
    draft.set_receiver_agency("market");
    draft.set_subject("x");
    *draft.mutable_service_time() = ToProtoTime(T0());
    return Create(settings, kProc, "S20240305-AAAAAAAAAAAA", draft, T0())->item;
  };
  const v1::SupervisionRecord recommendation = record(v1::SUPERVISION_RECOMMENDATION, false);
  EXPECT_THAT(recommendation.deadline().rule(), HasSubstr("检察建议工作规定"));
  const v1::SupervisionRecord opinion = record(v1::SUPERVISION_OPINION, false);
  EXPECT_THAT(opinion.deadline().rule(), HasSubstr("district setting"));
  // 纠正违法通知书: the notice sets its own period (刑诉规则 第五百五十三条);
  // none by default.
  EXPECT_FALSE(record(v1::SUPERVISION_CORRECTION, false).has_deadline());
  // Urgent: 15 days (公益诉讼解释 第二十一条第二款): 03-20, a Wednesday.
  const v1::SupervisionRecord urgent = record(v1::SUPERVISION_RECOMMENDATION, true);
  EXPECT_EQ(DueDay(urgent.deadline()), absl::CivilDay(2024, 3, 20));
  EXPECT_THAT(urgent.deadline().rule(), HasSubstr("十五日"));
}

TEST(WorkflowMachineTest, ObjectionAndReviewDoNotRestartTheReplyPeriod) {
  const Settings settings = DistrictSettings();
  const v1::SupervisionRecord r = NewRecord();
  const v1::SupervisionRecord objected =
      Must(Act(settings, kMarket, r, FullRequest(r.id(), v1::ACTION_OBJECT), T0() + absl::Hours(24 * 10)));
  EXPECT_EQ(objected.state(), v1::STATE_OBJECTION_RAISED);
  const v1::SupervisionRecord upheld = Must(
      Act(settings, kProc, objected, FullRequest(r.id(), v1::ACTION_UPHOLD_ON_REVIEW), T0() + absl::Hours(24 * 20)));
  EXPECT_EQ(upheld.state(), v1::STATE_ISSUED);
  EXPECT_EQ(upheld.deadline().due_time().seconds(), r.deadline().due_time().seconds());
  const v1::SupervisionRecord withdrawn = Must(
      Act(settings, kProc, objected, FullRequest(r.id(), v1::ACTION_WITHDRAW_ON_REVIEW), T0() + absl::Hours(24 * 20)));
  EXPECT_EQ(withdrawn.state(), v1::STATE_CLOSED);
}

TEST(WorkflowMachineTest, AReplyCarriesItsAdoption) {
  const Settings settings = DistrictSettings();
  const v1::SupervisionRecord r = NewRecord();
  v1::WorkflowActionRequest req = FullRequest(r.id(), v1::ACTION_REPLY);
  req.clear_adoption();
  auto missing = Act(settings, kMarket, r, req, T0());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("adoption"));
  req.set_adoption(v1::PARTLY_ADOPTED);
  const v1::SupervisionRecord replied = Must(Act(settings, kMarket, r, req, T0()));
  EXPECT_EQ(replied.adoption(), v1::PARTLY_ADOPTED);
  EXPECT_EQ(replied.last_transition().adoption(), v1::PARTLY_ADOPTED);
  // Still there after later steps.
  const v1::SupervisionRecord rectified =
      Must(Act(settings, kMarket, replied, FullRequest(r.id(), v1::ACTION_REPORT_RECTIFIED), T0()));
  EXPECT_EQ(rectified.adoption(), v1::PARTLY_ADOPTED);
}

TEST(WorkflowMachineTest, AfterFilingTheAgencyHandsOverItemsWithinThreeDays) {
  const Settings settings = DistrictSettings();
  const v1::Transfer t = NewTransfer(v1::TRANSFER_FORWARD, kMarket, "psb");
  const v1::Transfer accepted = Must(Act(settings, kPolice, t, FullRequest(t.id(), v1::ACTION_ACCEPT), T0()));
  ASSERT_TRUE(accepted.has_deadline());
  EXPECT_EQ(accepted.deadline().party_agency(), "market");
  EXPECT_THAT(accepted.deadline().rule(), HasSubstr("第十二条"));
  EXPECT_EQ(DueDay(accepted.deadline()), absl::CivilDay(2024, 3, 8));
  const v1::Transfer handed =
      Must(Act(settings, kMarket, accepted, FullRequest(t.id(), v1::ACTION_HAND_OVER_ITEMS), T0()));
  EXPECT_EQ(handed.state(), v1::STATE_ITEMS_HANDED_OVER);
  EXPECT_FALSE(handed.has_deadline());
}

TEST(WorkflowMachineTest, SupervisionOfARefusalRunsExplanationThenFilingNotice) {
  const Settings settings = DistrictSettings();
  v1::Transfer t = NewTransfer(v1::TRANSFER_FORWARD, kMarket, "psb");
  t = Must(Act(settings, kPolice, t, FullRequest(t.id(), v1::ACTION_REFUSE), T0()));
  t = Must(Act(settings, kMarket, t, FullRequest(t.id(), v1::ACTION_REQUEST_SUPERVISION), T0()));
  EXPECT_EQ(t.state(), v1::STATE_SUPERVISION_REQUESTED);
  t = Must(Act(settings, kProc, t, FullRequest(t.id(), v1::ACTION_OPEN_SUPERVISION), T0()));
  t = Must(Act(settings, kProc, t, FullRequest(t.id(), v1::ACTION_REQUIRE_EXPLANATION), T0()));
  // 7 days (刑诉规则 第五百六十条): 03-12.
  EXPECT_EQ(DueDay(t.deadline()), absl::CivilDay(2024, 3, 12));
  EXPECT_EQ(t.deadline().party_agency(), "psb");
  t = Must(Act(settings, kPolice, t, FullRequest(t.id(), v1::ACTION_EXPLAIN), T0()));
  t = Must(Act(settings, kProc, t, FullRequest(t.id(), v1::ACTION_NOTIFY_FILING), T0()));
  // 15 days (第五百六十三条): 03-20.
  EXPECT_EQ(DueDay(t.deadline()), absl::CivilDay(2024, 3, 20));
  EXPECT_THAT(t.deadline().rule(), HasSubstr("第五百六十三条"));
  t = Must(Act(settings, kPolice, t, FullRequest(t.id(), v1::ACTION_ACCEPT), T0()));
  EXPECT_EQ(t.state(), v1::STATE_ACCEPTED);
}

TEST(WorkflowMachineTest, RemindersComeTheConfiguredWorkingDaysBeforeTheLastDay) {
  const Settings settings = DistrictSettings();  // reminder_working_days: 2
  const absl::TimeZone tz = settings.tz;
  auto at = [&](int m, int d) { return absl::FromCivil(absl::CivilDay(2024, m, d), tz); };
  v1::Deadline d;
  *d.mutable_start_time() = ToProtoTime(at(3, 5));
  *d.mutable_due_time() = ToProtoTime(at(3, 16));  // last day Friday 03-15
  EXPECT_EQ(ReminderTime(d, settings), at(3, 14));  // Thursday and Friday left
  EXPECT_FALSE(ReminderDue(d, settings, at(3, 14) - absl::Seconds(1)));
  EXPECT_TRUE(ReminderDue(d, settings, at(3, 14)));
  EXPECT_FALSE(ReminderDue(d, settings, at(3, 16)));  // overdue, not approaching
  // Last day Monday 03-18: the weekend does not count.
  *d.mutable_due_time() = ToProtoTime(at(3, 19));
  EXPECT_EQ(ReminderTime(d, settings), at(3, 15));
  // A state that began inside the span was announced by its own event.
  *d.mutable_start_time() = ToProtoTime(at(3, 16));
  EXPECT_FALSE(ReminderTime(d, settings).has_value());
  *d.mutable_start_time() = ToProtoTime(at(3, 5));
  // Windows are optional: no reminder. Negative turns reminders off.
  v1::Deadline window = d;
  window.set_window(true);
  EXPECT_FALSE(ReminderTime(window, settings).has_value());
  v1::WorkflowConfig off;
  off.set_reminder_working_days(-1);
  EXPECT_FALSE(ReminderTime(d, *Settings::From(off)).has_value());
}

TEST(WorkflowMachineTest, ForwardingToTheCompetentPoliceStartsItsOwnPeriod) {
  const Settings settings = DistrictSettings();
  const v1::Transfer t = NewTransfer(v1::TRANSFER_FORWARD, kMarket, "psb");
  // Within 24 hours of receipt: no note; the new receiver has 3 days from now.
  const v1::Transfer on_time = Must(Act(settings, kPolice, t, FullRequest(t.id(), v1::ACTION_FORWARD_TO_COMPETENT),
                                        T0() + absl::Hours(20)));
  EXPECT_EQ(on_time.receiver_agency(), "psb-traffic");
  EXPECT_THAT(on_time.participants(), ::testing::ElementsAre("market", "psb", "psb-traffic"));
  EXPECT_EQ(on_time.deadline().party_agency(), "psb-traffic");
  EXPECT_EQ(FromProtoTime(on_time.deadline().start_time()), T0() + absl::Hours(20));
  EXPECT_EQ(on_time.last_transition().forward_to_agency(), "psb-traffic");
  EXPECT_TRUE(on_time.late_notes().empty());
  // After 24 hours it is still sent on, and the item says it was late (第七条).
  const v1::Transfer late = Must(Act(settings, kPolice, t, FullRequest(t.id(), v1::ACTION_FORWARD_TO_COMPETENT),
                                     T0() + absl::Hours(30)));
  ASSERT_EQ(late.late_notes_size(), 1);
  EXPECT_THAT(late.late_notes(0), HasSubstr("第七条"));
}

TEST(WorkflowMachineTest, MalformedPeriodsAreConfigurationErrors) {
  v1::WorkflowConfig config;
  config.mutable_explanation()->set_days(-1);
  EXPECT_THAT(std::string(Settings::From(config).status().message()), HasSubstr("workflow.explanation"));
  config.Clear();
  config.mutable_opinion_reply()->set_working_days(3);
  config.mutable_opinion_reply()->set_days(1);
  EXPECT_THAT(std::string(Settings::From(config).status().message()), HasSubstr("working_days"));
  config.Clear();
  config.add_police_decision_extension()->mutable_period()->set_days(10);
  EXPECT_THAT(std::string(Settings::From(config).status().message()), HasSubstr("approving_level"));
}

}  // namespace
}  // namespace caselink::workflow
