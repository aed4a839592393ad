// Deadlines from the legal periods, computed in Asia/Shanghai against the
// server's (here controllable) clock, and the overdue listing.
#include <set>

#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "workflow_fixture.h"

namespace caselink::testing {
namespace {

using ::google::protobuf::util::TimeUtil;
using ::testing::HasSubstr;


TEST_F(WorkflowTest, PoliceDecisionDueAtEndOfThirdDayAndListedOverdue) {
  // Received 2024-03-05 10:00 (Shanghai): 3 days end at 24:00 on 03-08.
  auto t = Forward(NewCase("market"));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(Due(t->transfer().deadline()), Cst(2024, 3, 9, 0, 0));
  EXPECT_EQ(t->transfer().deadline().party_agency(), "psb");
  EXPECT_FALSE(t->transfer().deadline().window());

  SetNow(Cst(2024, 3, 8, 23, 59));
  EXPECT_EQ(OverdueTransfers(As("psb")), 0);
  SetNow(Cst(2024, 3, 9, 0, 0));
  auto over = As("psb").ListOverdue();
  ASSERT_TRUE(over.ok()) << over.status();
  ASSERT_EQ(over->transfers_size(), 1);
  EXPECT_TRUE(over->transfers(0).overdue());
  EXPECT_THAT(over->transfers(0).deadline().rule(), HasSubstr("第八条"));
  EXPECT_EQ(OverdueTransfers(As("market")), 1);
  EXPECT_EQ(OverdueTransfers(As("justice")), 1);
  EXPECT_EQ(OverdueTransfers(As("emergency")), 0);

  // Deciding clears the deadline; the item leaves the overdue list.
  ASSERT_TRUE(ActT("psb", t->transfer().id(), v1::ACTION_ACCEPT).ok());
  EXPECT_EQ(OverdueTransfers(As("psb")), 0);
}

// ListOverdue comes in pages: a page holds at most page_size items and reads
// at most limits.max_rows_examined_per_page rows (seen or not), transfers
// come first, then supervision records; the pages together hold every
// overdue item once; a token is the caller's alone; the client's
// ListOverdue() follows the tokens; each page names its items' cases in the
// access log.
TEST_F(WorkflowTest, OverdueItemsComeInBoundedPages) {
  district_.reset();
  DistrictOptions o;
  o.max_rows_examined_per_page = 3;
  StartDistrict(std::move(o));
  std::set<std::string> transfers, records, cases;
  for (int i = 0; i < 5; ++i) {
    const std::string case_id = NewCase("market");
    auto t = Forward(case_id);
    ASSERT_TRUE(t.ok()) << t.status();
    transfers.insert(t->transfer().id());
    cases.insert(case_id);
    if (i % 2 == 0) {  // another agency's transfer market does not see, between its own
      ASSERT_TRUE(Forward(NewCase("emergency", v1::WORK_SAFETY), "emergency").ok());
    }
  }
  for (int i = 0; i < 3; ++i) {
    const std::string case_id = NewCase("market");
    auto r = Supervise("market", case_id);
    ASSERT_TRUE(r.ok()) << r.status();
    records.insert(r->record().id());
    cases.insert(case_id);
    ASSERT_TRUE(Supervise("emergency", NewCase("emergency", v1::WORK_SAFETY)).ok());
  }
  SetNow(Start() + absl::Hours(24 * 400));

  v1::ListOverdueRequest req;
  req.set_page_size(2);
  std::multiset<std::string> seen_t, seen_s;
  int pages = 0;
  std::string emergency_token;
  do {
    auto page = As("market").ListOverdue(req);
    ASSERT_TRUE(page.ok()) << page.status();
    ++pages;
    ASSERT_LE(page->transfers_size() + page->records_size(), 2) << "page " << pages;
    if (page->records_size() > 0) {
      EXPECT_EQ(seen_t.size() + page->transfers_size(), transfers.size()) << "transfers come first";
    }
    for (const auto& t : page->transfers()) seen_t.insert(t.id());
    for (const auto& r : page->records()) seen_s.insert(r.id());
    req.set_page_token(page->next_page_token());
    if (!req.page_token().empty() && emergency_token.empty()) emergency_token = req.page_token();
    ASSERT_LT(pages, 50);
  } while (!req.page_token().empty());
  EXPECT_EQ(std::set<std::string>(seen_t.begin(), seen_t.end()), transfers);
  EXPECT_EQ(std::set<std::string>(seen_s.begin(), seen_s.end()), records);
  EXPECT_EQ(seen_t.size(), transfers.size()) << "no item twice";
  EXPECT_EQ(seen_s.size(), records.size()) << "no item twice";
  // 14 rows (8 market's, 6 the emergency bureau's), at most 3 read a page:
  // 5 pages at least (page_size alone would allow 4).
  EXPECT_GE(pages, 5);

  v1::ListOverdueRequest stolen;
  stolen.set_page_token(emergency_token);
  auto refused = As("emergency").ListOverdue(stolen);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << refused.status();
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("page_token"));
  v1::ListOverdueRequest too_big;
  too_big.set_page_size(501);
  EXPECT_THAT(std::string(As("market").ListOverdue(too_big).status().message()), HasSubstr("page_size"));

  auto all = As("market").ListOverdue();
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->transfers_size(), 5);
  EXPECT_EQ(all->records_size(), 3);
  EXPECT_TRUE(all->next_page_token().empty());

  std::set<std::string> logged;
  for (const auto& e : LoggedCalls("market", "WorkflowService/ListOverdue")) {
    logged.insert(e.case_ids().begin(), e.case_ids().end());
  }
  EXPECT_EQ(logged, cases) << "ListOverdue names the cases of the items it returned";
}

TEST_F(WorkflowTest, DaysCountInShanghaiNotUtc) {
  // 2024-03-05 07:30 in Shanghai is still 03-04 in UTC.
  SetNow(Cst(2024, 3, 5, 7, 30));
  auto t = Forward(NewCase("market"));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(Due(t->transfer().deadline()), Cst(2024, 3, 9, 0, 0));
  SetNow(Cst(2024, 3, 8, 12, 0));  // overdue if counted in UTC days
  EXPECT_EQ(OverdueTransfers(As("psb")), 0);
  SetNow(Cst(2024, 3, 9, 0, 0));
  EXPECT_EQ(OverdueTransfers(As("psb")), 1);
}

TEST_F(WorkflowTest, ReconsiderationWindowClosesButIsNeverOverdue) {
  const std::string id = NewForward();
  auto refused = ActT("psb", id, v1::ACTION_REFUSE, "不构成犯罪");
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_TRUE(refused->transfer().deadline().window());
  EXPECT_EQ(Due(refused->transfer().deadline()), Cst(2024, 3, 9, 0, 0));
  SetNow(Cst(2024, 3, 12, 9, 0));
  EXPECT_EQ(OverdueTransfers(As("market")), 0);
  auto late = ActT("market", id, v1::ACTION_REQUEST_RECONSIDERATION, "有异议");
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(late.status().message(), HasSubstr("第九条"));
  // The procuratorate's supervision is not bound by the agency's window.
  EXPECT_TRUE(ActT("procuratorate", id, v1::ACTION_OPEN_SUPERVISION, "立案监督").ok());
}

TEST_F(WorkflowTest, ReconsiderationDecisionDueInThreeDays) {
  const std::string id = NewForward();
  ASSERT_TRUE(ActT("psb", id, v1::ACTION_REFUSE, "不构成犯罪").ok());
  SetNow(Cst(2024, 3, 7, 16, 0));
  auto req = ActT("market", id, v1::ACTION_REQUEST_RECONSIDERATION, "有异议");
  ASSERT_TRUE(req.ok()) << req.status();
  // Day 3 is Sunday 03-10: the period ends with Monday 03-11 (民法典
  // 第二百零三条; without a calendar file only weekends are rest days).
  EXPECT_EQ(Due(req->transfer().deadline()), Cst(2024, 3, 12, 0, 0));
  EXPECT_EQ(req->transfer().deadline().party_agency(), "psb");
  SetNow(Cst(2024, 3, 11, 23, 59));
  EXPECT_EQ(OverdueTransfers(As("psb")), 0);
  SetNow(Cst(2024, 3, 12, 0, 1));
  EXPECT_EQ(OverdueTransfers(As("psb")), 1);
}

TEST_F(WorkflowTest, SupervisionReplyDueTwoMonthsAfterServiceClampedToMonthEnd) {
  v1::CreateSupervisionRequest req;
  req.set_kind(v1::SUPERVISION_RECOMMENDATION);
  req.set_receiver_agency("market");
  req.set_subject("建议");
  *req.mutable_service_time() = TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(Cst(2023, 12, 31, 15, 0)));
  auto s = As("procuratorate").CreateSupervision(req);
  ASSERT_TRUE(s.ok()) << s.status();
  // 2023-12-31 + 2 months -> 2024-02-29 (leap year), due at 24:00 that day.
  EXPECT_EQ(Due(s->record().deadline()), Cst(2024, 3, 1, 0, 0));
  // The clock is 2024-03-05: already overdue.
  auto over = As("market").ListOverdue();
  ASSERT_TRUE(over.ok());
  ASSERT_EQ(over->records_size(), 1);
  EXPECT_TRUE(over->records(0).overdue());
  ASSERT_TRUE(ActS("market", s->record().id(), v1::ACTION_REPLY, "已回复").ok());
  EXPECT_EQ(As("market").ListOverdue()->records_size(), 0);
}

TEST_F(WorkflowTest, LateApprovalAndLateSendingAreNoted) {
  v1::CreateTransferRequest req;
  req.set_direction(v1::TRANSFER_FORWARD);
  caselink::testing::AddTransferMaterials(&req);
  req.set_receiver_agency("psb");
  req.set_case_id(NewCase("market"));
  req.set_subject("涉嫌犯罪");
  auto ts = [](absl::Time t) { return TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t)); };
  *req.mutable_report_time() = ts(Cst(2024, 2, 26, 9, 0));   // report
  *req.mutable_approve_time() = ts(Cst(2024, 3, 1, 9, 0));   // > 3 days later
  auto t = As("market").CreateTransfer(req);                 // now 03-05 10:00: > 24 h later
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->transfer().late_notes_size(), 2);
  EXPECT_THAT(t->transfer().late_notes(0), HasSubstr("第五条"));
  EXPECT_THAT(t->transfer().late_notes(1), HasSubstr("24小时"));
}

}  // namespace
}  // namespace caselink::testing
