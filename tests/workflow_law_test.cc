// The workflow as the law runs it, end to end through the real server and
// client library (issue 15): police extensions with the approving level,
// interim replies to a reverse transfer, periods that keep their origin,
// 立案监督 proposed by the agency and carried through 说明理由 / 通知立案 /
// 涉案物品移交, reverse transfers started by the police, 异议 and 复核, the
// working calendar (国庆 2025), its reload, and data an older version wrote.
#include <filesystem>
#include <fstream>
#include <thread>

#include "caselink_common/proto_time.h"
#include "gmock/gmock.h"
#include "workflow_fixture.h"

namespace caselink::testing {
namespace {

using ::testing::HasSubstr;


std::string CalendarPath() { return std::string(CASELINK_SOURCE_DIR) + "/config/working-calendar.textproto"; }

class WorkflowLawTest : public WorkflowTest {
 protected:
  absl::StatusOr<v1::TransferResponse> Act(const std::string& agency, v1::WorkflowActionRequest req) {
    return As(agency).ActOnTransfer(req);
  }
  int OverdueTransfers(const std::string& agency) { return WorkflowTest::OverdueTransfers(As(agency)); }
  int64_t Steps(const std::string& id) {
    auto t = As("procuratorate").GetTransfer([&] {
      v1::GetItemRequest r;
      r.set_id(id);
      return r;
    }());
    EXPECT_TRUE(t.ok()) << t.status();
    return t.ok() ? t->history_size() : -1;
  }
};

TEST_F(WorkflowLawTest, AForwardTransferCarriesTheMaterialsOfArticle6) {
  const std::string case_id = NewCase("market");
  v1::CreateTransferRequest req;
  req.set_direction(v1::TRANSFER_FORWARD);
  req.set_receiver_agency("psb");
  req.set_case_id(case_id);
  req.set_subject("涉嫌生产、销售伪劣产品罪");
  v1::Material* letter = req.add_materials();
  letter->set_kind(v1::MATERIAL_TRANSFER_LETTER);
  letter->set_title("涉嫌犯罪案件移送书");
  auto refused = As("market").CreateTransfer(req);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string msg(refused.status().message());
  EXPECT_THAT(msg, HasSubstr("MATERIAL_INVESTIGATION_REPORT"));
  EXPECT_THAT(msg, HasSubstr("MATERIAL_ITEM_LIST"));
  EXPECT_THAT(msg, ::testing::Not(HasSubstr("MATERIAL_TRANSFER_LETTER")));
  EXPECT_THAT(msg, HasSubstr("第六条"));
  v1::ListItemsRequest list;
  EXPECT_EQ(As("market").ListTransfers(list)->transfers_size(), 0) << "a refused request stores nothing";
  // An unknown kind is refused by name.
  req.mutable_materials(0)->set_kind(static_cast<v1::MaterialKind>(99));
  EXPECT_THAT(std::string(As("market").CreateTransfer(req).status().message()), HasSubstr("materials[0].kind"));
  req.clear_materials();
  AddTransferMaterials(&req);
  auto sent = As("market").CreateTransfer(req);
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_EQ(sent->transfer().materials(1).kind(), v1::MATERIAL_INVESTIGATION_REPORT);
}

// 国务院令第310号 第五条第二款: the head's refusal to transfer is on record,
// with its reasons, for the agency and the procuratorate, and for no one else.
TEST_F(WorkflowLawTest, ATransferTheHeadDidNotApproveIsRecordedForTheProcuratorateOnly) {
  const std::string case_id = NewCase("market");
  v1::CreateTransferRequest req;
  req.set_direction(v1::TRANSFER_FORWARD);
  req.set_case_id(case_id);
  req.set_subject("涉嫌生产、销售伪劣产品罪");
  req.set_not_approved_reason("货值金额经复核未达立案追诉标准");
  // Reported on 03-01, decided on 03-05 10:00: past the 3 days of 第五条.
  *req.mutable_report_time() = ToProtoTime(Cst(2024, 3, 1, 9, 0));

  // Refusals first: each names its field and stores nothing.
  v1::CreateTransferRequest to_police = req;
  to_police.set_receiver_agency("psb");
  auto bad = As("market").CreateTransfer(to_police);
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("receiver_agency"));
  v1::CreateTransferRequest approved_too = req;
  *approved_too.mutable_approve_time() = ToProtoTime(Cst(2024, 3, 2, 9, 0));
  bad = As("market").CreateTransfer(approved_too);
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("approve_time"));
  v1::CreateTransferRequest reverse = req;
  reverse.set_direction(v1::TRANSFER_REVERSE);
  reverse.set_receiver_agency("market");
  reverse.clear_report_time();
  bad = As("procuratorate").CreateTransfer(reverse);
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("not_approved_reason"));
  v1::CreateTransferRequest not_ours = req;
  not_ours.set_case_id(NewCase("emergency"));
  // Another agency's case: not found, so its existence does not leak.
  EXPECT_EQ(As("market").CreateTransfer(not_ours).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(As("market").ListTransfers(v1::ListItemsRequest())->transfers_size(), 0);

  // No materials needed: nothing is sent.
  auto made = As("market").CreateTransfer(req);
  ASSERT_TRUE(made.ok()) << made.status();
  const v1::Transfer& t = made->transfer();
  EXPECT_EQ(t.state(), v1::STATE_NOT_APPROVED);
  EXPECT_EQ(t.receiver_agency(), "");
  EXPECT_THAT(t.participants(), ::testing::ElementsAre("market"));
  EXPECT_FALSE(t.has_deadline());
  ASSERT_EQ(t.late_notes_size(), 1);
  EXPECT_THAT(t.late_notes(0), HasSubstr("不批准移送"));
  EXPECT_THAT(t.late_notes(0), HasSubstr("第五条"));

  // The procuratorate reads it with its reasons; the police never learn of it.
  v1::GetItemRequest get;
  get.set_id(t.id());
  auto seen = As("procuratorate").GetTransfer(get);
  ASSERT_TRUE(seen.ok()) << seen.status();
  ASSERT_EQ(seen->history_size(), 1);
  EXPECT_EQ(seen->history(0).reason(), "货值金额经复核未达立案追诉标准");
  EXPECT_EQ(As("psb").GetTransfer(get).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(As("psb").ListTransfers(v1::ListItemsRequest())->transfers_size(), 0);
  EXPECT_EQ(As("emergency").GetTransfer(get).status().code(), absl::StatusCode::kNotFound);
  ASSERT_EQ(As("procuratorate").ListTransfers(v1::ListItemsRequest())->transfers_size(), 1);
  // Its event reaches the procuratorate (第十四条 supervision) and not the police.
  std::vector<v1::Event> proc = EventsOf(As("procuratorate"), 1);
  ASSERT_EQ(proc.size(), 1u);
  EXPECT_EQ(proc[0].item_id(), t.id());
  EXPECT_EQ(proc[0].transfer().state(), v1::STATE_NOT_APPROVED);
  EXPECT_TRUE(EventsOf(As("psb"), 1).empty());
  // Nothing follows it: it is final.
  auto again = Act("market", Action(t.id(), v1::ACTION_RESUBMIT));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);

  // The report counts it apart from the transfers sent.
  v1::JointMeetingReportRequest rr;
  rr.set_from_date("2024-03-01");
  rr.set_to_date("2024-04-01");
  rr.set_purpose("联席会议");
  auto report = As("government").GetJointMeetingReport(rr);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->total().forward_not_approved(), 1);
  EXPECT_EQ(report->total().forward_sent(), 0);
}

TEST_F(WorkflowLawTest, PoliceExtendTheDecisionWithTheApprovingLevelOnRecord) {
  const std::string id = NewForward();
  ASSERT_TRUE(ActT("psb", id, v1::ACTION_ISSUE_RECEIPT).ok());

  // Without who approved it, nothing changes.
  auto no_approver = ActT("psb", id, v1::ACTION_EXTEND_DECISION, "案情重大复杂");
  ASSERT_EQ(no_approver.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(no_approver.status().message()), HasSubstr("approver"));
  EXPECT_EQ(Steps(id), 2);
  // Only the police extend their own period.
  v1::WorkflowActionRequest ext = Action(id, v1::ACTION_EXTEND_DECISION, "案情重大复杂");
  ext.set_approver("县级以上公安机关负责人 张某");
  EXPECT_EQ(Act("market", ext).status().code(), absl::StatusCode::kPermissionDenied);

  auto extended = Act("psb", ext);
  ASSERT_TRUE(extended.ok()) << extended.status();
  // Received 2024-03-05: 10 days from receipt, to 24:00 of Friday 03-15.
  EXPECT_EQ(Due(extended->transfer().deadline()), Cst(2024, 3, 16, 0, 0));
  EXPECT_EQ(extended->transfer().deadline().extensions(), 1);
  EXPECT_THAT(extended->transfer().deadline().rule(), HasSubstr("第十六条"));
  // Past the original three days it is not overdue.
  SetNow(Cst(2024, 3, 10, 9, 0));
  EXPECT_EQ(OverdueTransfers("psb"), 0);

  ext.set_request_id("second-extension");
  ext.set_approver("县级以上公安机关负责人 李某");
  auto second = Act("psb", ext);
  ASSERT_TRUE(second.ok()) << second.status();
  // 30 days from receipt: 04-04.
  EXPECT_EQ(Due(second->transfer().deadline()), Cst(2024, 4, 5, 0, 0));

  v1::GetItemRequest get;
  get.set_id(id);
  auto t = As("market").GetTransfer(get);
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->history_size(), 4);
  EXPECT_EQ(t->history(1).action(), v1::ACTION_ISSUE_RECEIPT);
  EXPECT_EQ(t->history(2).action(), v1::ACTION_EXTEND_DECISION);
  EXPECT_EQ(t->history(2).approver(), "县级以上公安机关负责人 张某");
  EXPECT_EQ(t->history(3).approver(), "县级以上公安机关负责人 李某");
}

TEST_F(WorkflowLawTest, ReverseTransferPeriodRunsFromReceiptAndAnInterimReplyMeetsIt) {
  auto r = Reverse();
  ASSERT_TRUE(r.ok()) << r.status();
  const std::string late_id = r->transfer().id();
  const absl::Time due = Due(r->transfer().deadline());
  // 签收 on day 59 does not give two more months.
  SetNow(Start() + absl::Hours(24 * 59));
  auto acked = ActT("market", late_id, v1::ACTION_ACKNOWLEDGE);
  ASSERT_TRUE(acked.ok()) << acked.status();
  EXPECT_EQ(Due(acked->transfer().deadline()), due);
  SetNow(due + absl::Minutes(1));
  EXPECT_EQ(OverdueTransfers("market"), 1);

  // An agency whose proceedings are still running reports 办理情况.
  SetNow(Start());
  auto r2 = Reverse();
  ASSERT_TRUE(r2.ok()) << r2.status();
  const std::string id = r2->transfer().id();
  SetNow(Start() + absl::Hours(24 * 30));
  auto progress = ActT("market", id, v1::ACTION_REPORT_PROGRESS, "已立案调查, 正在听证程序中");
  ASSERT_TRUE(progress.ok()) << progress.status();
  EXPECT_EQ(progress->transfer().state(), v1::STATE_IN_PROGRESS);
  SetNow(Start() + absl::Hours(24 * 120));
  auto overdue = As("market").ListOverdue();
  ASSERT_TRUE(overdue.ok());
  for (const auto& t : overdue->transfers()) EXPECT_NE(t.id(), id) << "an interim reply met the period";
  const std::string penalty = NewCase("market");
  auto done = ActT("market", id, v1::ACTION_REPLY_PENALTY, "", penalty);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->transfer().state(), v1::STATE_PENALTY_DECIDED);
}

TEST_F(WorkflowLawTest, AgencyProposesSupervisionThroughExplanationFilingAndHandOver) {
  const std::string id = NewForward();
  ASSERT_TRUE(ActT("psb", id, v1::ACTION_REFUSE, "犯罪事实显著轻微").ok());
  auto proposed = ActT("market", id, v1::ACTION_REQUEST_SUPERVISION, "涉案金额已达追诉标准");
  ASSERT_TRUE(proposed.ok()) << proposed.status();
  EXPECT_EQ(proposed->transfer().state(), v1::STATE_SUPERVISION_REQUESTED);
  // The police cannot open supervision of themselves.
  EXPECT_EQ(ActT("psb", id, v1::ACTION_OPEN_SUPERVISION, "x").status().code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(ActT("procuratorate", id, v1::ACTION_OPEN_SUPERVISION, "受理立案监督").ok());
  auto explain = ActT("procuratorate", id, v1::ACTION_REQUIRE_EXPLANATION, "要求说明不立案理由");
  ASSERT_TRUE(explain.ok()) << explain.status();
  // 7 days (刑诉规则 第五百六十条) from 03-05: 03-12.
  EXPECT_EQ(Due(explain->transfer().deadline()), Cst(2024, 3, 13, 0, 0));
  EXPECT_EQ(explain->transfer().deadline().party_agency(), "psb");
  ASSERT_TRUE(ActT("psb", id, v1::ACTION_EXPLAIN, "不立案理由说明").ok());
  auto notify = ActT("procuratorate", id, v1::ACTION_NOTIFY_FILING, "不立案理由不能成立");
  ASSERT_TRUE(notify.ok()) << notify.status();
  EXPECT_THAT(notify->transfer().deadline().rule(), HasSubstr("十五日"));
  auto accepted = ActT("psb", id, v1::ACTION_ACCEPT);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  // 第十二条: the agency hands over 涉案物品 within 3 days of the filing notice.
  EXPECT_EQ(accepted->transfer().deadline().party_agency(), "market");
  SetNow(Cst(2024, 3, 9, 0, 0));
  EXPECT_EQ(OverdueTransfers("market"), 1);
  v1::WorkflowActionRequest hand = Action(id, v1::ACTION_HAND_OVER_ITEMS);
  auto* m = hand.add_materials();
  m->set_title("涉案物品清单");
  m->set_reference("某监物〔2024〕1号");
  auto handed = Act("market", hand);
  ASSERT_TRUE(handed.ok()) << handed.status();
  EXPECT_EQ(handed->transfer().state(), v1::STATE_ITEMS_HANDED_OVER);
  EXPECT_EQ(OverdueTransfers("market"), 0);
}

TEST_F(WorkflowLawTest, PoliceForwardATransferOutsideTheirCompetence) {
  DistrictOptions o;
  o.policy_text = TestDistrict::ExamplePolicyText() +
                  "\nagencies { id: \"psb-traffic\" display_name: \"交警大队\" identities: "
                  "\"caselink://agency/psb-traffic\" roles: POLICE }\n";
  StartDistrict(std::move(o));
  const std::string id = NewForward();
  v1::WorkflowActionRequest fwd = Action(id, v1::ACTION_FORWARD_TO_COMPETENT, "属交通肇事, 由交警大队管辖");
  // Only to another police agency of the district.
  fwd.set_forward_to_agency("market");
  auto wrong = Act("psb", fwd);
  ASSERT_EQ(wrong.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(wrong.status().message()), HasSubstr("forward_to_agency"));
  EXPECT_EQ(Steps(id), 1) << "a refused request changes nothing";
  fwd.set_forward_to_agency("psb-traffic");
  SetNow(Start() + absl::Hours(3));
  auto sent_on = Act("psb", fwd);
  ASSERT_TRUE(sent_on.ok()) << sent_on.status();
  EXPECT_EQ(sent_on->transfer().receiver_agency(), "psb-traffic");
  EXPECT_EQ(sent_on->transfer().deadline().party_agency(), "psb-traffic");
  // The competent agency now decides; the first one no longer may.
  EXPECT_EQ(ActT("psb", id, v1::ACTION_ACCEPT).status().code(), absl::StatusCode::kPermissionDenied);
  auto accepted = ActT("psb-traffic", id, v1::ACTION_ACCEPT);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  // ... and reads the case it received.
  v1::GetCaseRequest gc;
  gc.set_case_id(accepted->transfer().case_ids(0));
  gc.set_purpose("立案审查");
  EXPECT_TRUE(As("psb-traffic").GetCase(gc).ok());
}

TEST_F(WorkflowLawTest, AfterARefusalTheAgencyLinksItsFollowUpPenalty) {
  const std::string id = NewForward();
  ASSERT_TRUE(ActT("psb", id, v1::ACTION_REFUSE, "不构成犯罪").ok());
  const std::string penalty = NewCase("market");
  auto linked = ActT("market", id, v1::ACTION_LINK_PENALTY, "", penalty);
  ASSERT_TRUE(linked.ok()) << linked.status();
  EXPECT_EQ(linked->transfer().state(), v1::STATE_REFUSED);
  EXPECT_THAT(linked->transfer().case_ids(), ::testing::Contains(penalty));
  // Another agency's case cannot be linked.
  const std::string other = NewCase("emergency");
  EXPECT_FALSE(ActT("market", id, v1::ACTION_LINK_PENALTY, "", other).ok());
}

TEST_F(WorkflowLawTest, PoliceHandACaseBackForAnAdministrativePenalty) {
  v1::CreateTransferRequest req;
  req.set_direction(v1::TRANSFER_REVERSE);
  req.set_receiver_agency("market");
  req.set_subject("不需要追究刑事责任, 但应当给予行政处罚 (行政处罚法 第二十七条)");
  auto t = As("psb").CreateTransfer(req);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->transfer().sender_agency(), "psb");
  EXPECT_EQ(t->transfer().state(), v1::STATE_DELIVERED);
  ASSERT_TRUE(ActT("market", t->transfer().id(), v1::ACTION_ACKNOWLEDGE).ok());
  // An enforcement agency does not send cases back.
  auto refused = As("market").CreateTransfer([&] {
    v1::CreateTransferRequest r = req;
    r.set_receiver_agency("emergency");
    return r;
  }());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(WorkflowLawTest, ObjectionAndReviewThenAReplyWithItsAdoption) {
  auto s = Supervise("market", "");
  ASSERT_TRUE(s.ok()) << s.status();
  const std::string id = s->record().id();
  const absl::Time due = Due(s->record().deadline());
  ASSERT_TRUE(ActS("market", id, v1::ACTION_OBJECT, "建议所依据的事实有误").ok());
  auto upheld = ActS("procuratorate", id, v1::ACTION_UPHOLD_ON_REVIEW, "经复核, 异议不成立");
  ASSERT_TRUE(upheld.ok()) << upheld.status();
  EXPECT_EQ(upheld->record().state(), v1::STATE_ISSUED);
  EXPECT_EQ(Due(upheld->record().deadline()), due);

  v1::WorkflowActionRequest reply = Action(id, v1::ACTION_REPLY, "已部分整改");
  reply.clear_adoption();
  auto missing = As("market").ActOnSupervision(reply);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  reply.set_adoption(v1::PARTLY_ADOPTED);
  auto replied = As("market").ActOnSupervision(reply);
  ASSERT_TRUE(replied.ok()) << replied.status();
  EXPECT_EQ(replied->record().adoption(), v1::PARTLY_ADOPTED);
}

TEST_F(WorkflowLawTest, NationalDayHolidayMovesTheLastDay) {
  DistrictOptions o;
  o.workflow_config = absl::StrCat("calendar_file: \"", CalendarPath(), "\"");
  StartDistrict(std::move(o));
  // Received Sunday 2025-09-28 (a 调休 working day): day 3 is 10-01, in the
  // holiday; the period ends with 10-09.
  SetNow(Cst(2025, 9, 28, 10, 0));
  auto t = Forward(NewCase("market"));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(Due(t->transfer().deadline()), Cst(2025, 10, 10, 0, 0));
  SetNow(Cst(2025, 10, 8, 18, 0));
  EXPECT_EQ(OverdueTransfers("psb"), 0);
  SetNow(Cst(2025, 10, 10, 0, 1));
  EXPECT_EQ(OverdueTransfers("psb"), 1);
}

TEST_F(WorkflowLawTest, TheCalendarIsReloadedWithThePolicyAndABadOneIsRefused) {
  const std::string path = absl::StrCat(::testing::TempDir(), "/calendar-", getpid(), ".textproto");
  {
    std::ofstream(path) << "year { year: 2024 source: \"none\" }\n";
  }
  DistrictOptions o;
  o.workflow_config = absl::StrCat("calendar_file: \"", path, "\"");
  StartDistrict(std::move(o));
  SetNow(Cst(2025, 9, 28, 10, 0));
  auto before = Forward(NewCase("market"));
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(Due(before->transfer().deadline()), Cst(2025, 10, 2, 0, 0));

  std::filesystem::copy_file(CalendarPath(), path, std::filesystem::copy_options::overwrite_existing);
  ASSERT_TRUE(district_->server().ReloadPolicy().ok());
  auto after = Forward(NewCase("market"));
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(Due(after->transfer().deadline()), Cst(2025, 10, 10, 0, 0));
  // A transfer made before keeps its deadline (history is not rewritten).
  v1::GetItemRequest get;
  get.set_id(before->transfer().id());
  EXPECT_EQ(Due(As("psb").GetTransfer(get)->transfer().deadline()), Cst(2025, 10, 2, 0, 0));

  { std::ofstream(path) << "year { year: 2025 source: \"x\" working_day: \"2025-10-10\" }\n"; }
  absl::Status bad = district_->server().ReloadPolicy();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.message()), HasSubstr("not a Saturday or Sunday"));
  auto still = Forward(NewCase("market"));
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(Due(still->transfer().deadline()), Cst(2025, 10, 10, 0, 0));
  std::filesystem::remove(path);
}

TEST(WorkflowLawStartTest, AMalformedCalendarStopsTheServerNamingTheFile) {
  const std::string path = absl::StrCat(::testing::TempDir(), "/bad-calendar-", getpid(), ".textproto");
  { std::ofstream(path) << "year { year: 2025 source: \"x\" holiday { name: \"国庆\" first_day: \"2025-10-8\" } }\n"; }
  DistrictOptions o;
  o.workflow_config = absl::StrCat("calendar_file: \"", path, "\"");
  auto d = TestDistrict::Start(std::move(o));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(d.status().message()), HasSubstr(path));
  EXPECT_THAT(std::string(d.status().message()), HasSubstr("YYYY-MM-DD"));
  std::filesystem::remove(path);
}

TEST_F(WorkflowLawTest, ThePartyThatMustActIsRemindedOncePerDeadline) {
  const std::string id = NewForward();
  v1::WorkflowActionRequest ext = Action(id, v1::ACTION_EXTEND_DECISION, "案情复杂");
  ext.set_approver("县级以上公安机关负责人 张某");
  ASSERT_TRUE(Act("psb", ext).ok());  // due 24:00 of Friday 03-15
  SetNow(Cst(2024, 3, 13, 23, 0));
  EXPECT_EQ(*district_->server().RemindDeadlines(), 0);
  SetNow(Cst(2024, 3, 14, 9, 0));  // two working days left
  EXPECT_EQ(*district_->server().RemindDeadlines(), 1);
  EXPECT_EQ(*district_->server().RemindDeadlines(), 0);
  ASSERT_TRUE(district_->Restart().ok());
  EXPECT_EQ(*district_->server().RemindDeadlines(), 0) << "the marker is durable";

  // psb: created, extended, reminded.
  std::vector<v1::Event> psb = EventsOf(As("psb"), 3);
  ASSERT_EQ(psb.size(), 3u);
  EXPECT_EQ(psb[2].kind(), v1::EVENT_DEADLINE_APPROACHING);
  EXPECT_EQ(psb[2].item_id(), id);
  EXPECT_EQ(Due(psb[2].transfer().deadline()), Cst(2024, 3, 16, 0, 0));
  // The agency that sent it is not the party that must act.
  for (const v1::Event& e : EventsOf(As("market"), 3)) EXPECT_NE(e.kind(), v1::EVENT_DEADLINE_APPROACHING);
}

// tests/data/legacy-workflow-v1 was written by the schema before issue 15
// (tests/tools/make_legacy_workflow_db.cc at a9c2274).
TEST_F(WorkflowLawTest, ADatabaseOfThePreviousSchemaOpensWithItsHistory) {
  const std::string seed = std::string(CASELINK_SOURCE_DIR) + "/tests/data/legacy-workflow-v1";
  DistrictOptions o;
  o.seed_dir = seed;
  StartDistrict(std::move(o));
  std::map<std::string, std::string> ids;
  {
    std::ifstream in(seed + "/items.txt");
    std::string k, v;
    while (in >> k >> v) ids[k] = v;
  }
  ASSERT_EQ(ids.size(), 5u);
  auto get = [&](const std::string& id) {
    v1::GetItemRequest r;
    r.set_id(id);
    return As("procuratorate").GetTransfer(r);
  };
  auto accepted = get(ids["accepted"]);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->transfer().state(), v1::STATE_ACCEPTED);
  ASSERT_EQ(accepted->history_size(), 2);
  EXPECT_EQ(accepted->history(1).action(), v1::ACTION_ACCEPT);
  auto refused = get(ids["refused"]);
  ASSERT_TRUE(refused.ok()) << refused.status();
  ASSERT_EQ(refused->history_size(), 3);
  EXPECT_EQ(refused->history(2).reason(), "数额已达追诉标准");
  auto reverse = get(ids["reverse"]);
  ASSERT_TRUE(reverse.ok()) << reverse.status();
  EXPECT_EQ(reverse->transfer().state(), v1::STATE_ACKNOWLEDGED);
  v1::GetItemRequest sr;
  sr.set_id(ids["record"]);
  auto record = As("market").GetSupervision(sr);
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(record->record().state(), v1::STATE_REPLIED);
  EXPECT_EQ(record->history_size(), 2);

  // Old items take the new steps: the old reconsideration is upheld, the old
  // reverse transfer gets an interim reply.
  auto upheld = ActT("psb", ids["refused"], v1::ACTION_UPHOLD_REFUSAL, "维持不予立案");
  ASSERT_TRUE(upheld.ok()) << upheld.status();
  EXPECT_EQ(upheld->transfer().step(), 4);
  auto progress = ActT("market", ids["reverse"], v1::ACTION_REPORT_PROGRESS, "正在办理");
  ASSERT_TRUE(progress.ok()) << progress.status();
  // The accepted transfer was terminal then; it stays without a period.
  EXPECT_FALSE(accepted->transfer().has_deadline());
}

}  // namespace
}  // namespace caselink::testing
