// The joint-meeting report end to end, through the real server and client:
// every figure of a hand-built small district checked exactly, rows the
// caller may not see never counted or listed, the policy's grant (deny by
// default), period validation, and the CLI's three formats.
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/daemon.h"
#include "workflow_fixture.h"

namespace caselink::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The figures as a compact string, so a wrong one shows by name.
std::string Figures(const v1::ReportFigures& f) {
  return absl::StrCat("cases=", f.cases(), " decided=", f.cases_decided(), " fen=", f.penalty_amount_fen(),
                      " major=", f.major_cases(), " | fwd sent=", f.forward_sent(), " acc=", f.forward_accepted(),
                      " ref=", f.forward_refused(), " pend=", f.forward_pending(), " wd=", f.forward_withdrawn(),
                      " od=", f.forward_overdue(), " | rev sent=", f.reverse_sent(), " ans=", f.reverse_answered(),
                      " pend=", f.reverse_pending(), " od=", f.reverse_overdue(), " | sup issued=",
                      f.supervision_issued(), " ans=", f.supervision_answered(), " rect=", f.supervision_rectified(),
                      " od=", f.supervision_overdue());
}

class ReportTest : public WorkflowTest {
 protected:
  // A case of `agency` decided on `date` ("" = undecided) with `fen`.
  std::string Case(const std::string& agency, v1::Domain domain, const std::string& date, int64_t fen,
                   bool major = false) {
    v1::Case c = SampleCase(domain, absl::StrCat("案件-", agency, "-", date));
    c.clear_penalty();
    if (!date.empty()) {
      c.mutable_penalty()->set_kind(v1::FINE);
      c.mutable_penalty()->set_amount_fen(fen);
      c.mutable_penalty()->set_decision_date(date);
    }
    c.set_major(major);
    auto r = As(agency).SubmitCase(c);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->case_().case_id() : "";
  }

  std::string Supervision(const std::string& to, const std::string& case_id, absl::Time served,
                          const std::string& doc) {
    v1::CreateSupervisionRequest req;
    req.set_kind(v1::SUPERVISION_RECOMMENDATION);
    req.set_receiver_agency(to);
    if (!case_id.empty()) req.add_case_ids(case_id);
    req.set_subject("建议规范执法程序");
    req.set_document_number(doc);
    req.mutable_service_time()->set_seconds(absl::ToUnixSeconds(served));
    // A record is entered once served (a service time in the future is
    // refused): enter it then, and come back.
    const int64_t before = now_ns_.load();
    if (absl::ToUnixNanos(served) > before) SetNow(served);
    auto r = As("procuratorate").CreateSupervision(req);
    now_ns_ = before;
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->record().id() : "";
  }

  // The hand-built district of the comments below; the report is taken at
  // 2024-06-01 10:00 for March 2024.
  void BuildDistrict() {
    // Cases. Counted by decision date (else the day stored, 2024-03-05).
    c1_ = Case("market", v1::MARKET_ORDER, "2024-03-02", 500000, true);   // in, major
    c2_ = Case("market", v1::MARKET_ORDER, "2024-03-20", 120050);         // in
    c3_ = Case("market", v1::PUBLIC_ORDER, "", 0);                        // in (stored 03-05), undecided
    Case("market", v1::MARKET_ORDER, "2024-02-28", 777700, true);          // out: decided in February
    e1_ = Case("emergency", v1::WORK_SAFETY, "2024-03-10", 30000, true);  // in, major
    Case("emergency", v1::WORK_SAFETY, "2024-04-01", 999900);              // out: to_date is exclusive
    Case("town-a", v1::PUBLIC_ORDER, "2024-03-31", 10000);                 // in: last day
    // Forward transfers, all sent 2024-03-05 10:00.
    auto f1 = Forward(c1_);
    auto f2 = Forward(c2_);
    auto f3 = Forward(c3_);
    auto f4 = Forward(e1_, "emergency");
    ASSERT_TRUE(f1.ok() && f2.ok() && f3.ok() && f4.ok());
    f3_ = f3->transfer().id();
    ASSERT_TRUE(ActT("psb", f1->transfer().id(), v1::ACTION_ACCEPT).ok());                   // accepted
    ASSERT_TRUE(ActT("market", f1->transfer().id(), v1::ACTION_HAND_OVER_ITEMS, "移交").ok());  // 涉案物品 handed over
    ASSERT_TRUE(ActT("psb", f2->transfer().id(), v1::ACTION_REFUSE, "不构成犯罪").ok());     // refused
    ASSERT_TRUE(ActT("psb", f4->transfer().id(), v1::ACTION_RETURN_FOR_MATERIAL, "补充鉴定").ok());
    ASSERT_TRUE(ActT("emergency", f4->transfer().id(), v1::ACTION_WITHDRAW, "不再移送").ok());  // withdrawn
    // f3 stays SENT: due 2024-03-09 00:00, overdue.
    // Reverse transfers.
    auto r1 = Reverse("market", c1_);
    auto r2 = Reverse("emergency");  // no case: domain unspecified; stays DELIVERED, overdue after 2 months
    ASSERT_TRUE(r1.ok() && r2.ok()) << r1.status() << r2.status();
    r2_ = r2->transfer().id();
    ASSERT_TRUE(ActT("market", r1->transfer().id(), v1::ACTION_ACKNOWLEDGE).ok());
    ASSERT_TRUE(ActT("market", r1->transfer().id(), v1::ACTION_REPLY_NO_PENALTY, "已过处罚时效").ok());
    // Supervision records, dated by service.
    const std::string s1 = Supervision("market", c1_, Cst(2024, 3, 1, 9, 0), "某检行建〔2024〕1号");
    s3_ = Supervision("emergency", e1_, Cst(2024, 3, 15, 9, 0), "某检行建〔2024〕3号");  // unanswered: overdue
    Supervision("emergency", e1_, Cst(2024, 2, 20, 9, 0), "某检行建〔2024〕2号");        // out: served in February
    const std::string s4 = Supervision("town-a", "", Cst(2024, 3, 20, 9, 0), "某检行建〔2024〕4号");
    ASSERT_TRUE(ActS("market", s1, v1::ACTION_REPLY, "已整改").ok());
    ASSERT_TRUE(ActS("market", s1, v1::ACTION_REPORT_RECTIFIED, "整改完成").ok());      // answered, rectified
    ASSERT_TRUE(ActS("town-a", s4, v1::ACTION_REPLY, "情况说明").ok());
    ASSERT_TRUE(ActS("procuratorate", s4, v1::ACTION_CLOSE).ok());                      // answered, not rectified
    SetNow(Cst(2024, 6, 1, 10, 0));
  }

  absl::StatusOr<v1::JointMeetingReport> Report(const std::string& agency, const std::string& from = "2024-03-01",
                                                const std::string& to = "2024-04-01") {
    v1::JointMeetingReportRequest req;
    req.set_from_date(from);
    req.set_to_date(to);
    req.set_purpose("联席会议");
    return As(agency).GetJointMeetingReport(req);
  }

  // Restarts the district with the example's report-district rule granted to
  // `roles` only ("JUSTICE, PROCURATORATE") and `rules` added.
  void StartWithReportRules(const std::string& roles, const std::string& rules) {
    std::string policy = TestDistrict::ExamplePolicyText();
    const std::string rpc = "\n  rpcs: [\"caselink.v1.ReportService/GetJointMeetingReport\"]";
    const std::string from = "roles: [GOVERNMENT, JUSTICE, PROCURATORATE]" + rpc;
    ASSERT_TRUE(absl::StrContains(policy, from));
    DistrictOptions o;
    o.policy_text = absl::StrReplaceAll(policy, {{from, "roles: [" + roles + "]" + rpc}}) + rules;
    district_.reset();
    StartDistrict(o);
  }

  std::string c1_, c2_, c3_, e1_, f3_, r2_, s3_;
};

TEST_F(ReportTest, EveryFigureOfAHandBuiltDistrict) {
  BuildDistrict();
  auto r = Report("government");
  ASSERT_TRUE(r.ok()) << r.status();
  struct Want { const char* agency; v1::Domain domain; const char* figures; };
  const std::vector<Want> want = {
      {"emergency", v1::DOMAIN_UNSPECIFIED,
       "cases=0 decided=0 fen=0 major=0 | fwd sent=0 acc=0 ref=0 pend=0 wd=0 od=0 | rev sent=1 ans=0 pend=1 od=1 | sup issued=0 ans=0 rect=0 od=0"},
      {"emergency", v1::WORK_SAFETY,
       "cases=1 decided=1 fen=30000 major=1 | fwd sent=1 acc=0 ref=0 pend=0 wd=1 od=0 | rev sent=0 ans=0 pend=0 od=0 | sup issued=1 ans=0 rect=0 od=1"},
      {"market", v1::PUBLIC_ORDER,
       "cases=1 decided=0 fen=0 major=0 | fwd sent=1 acc=0 ref=0 pend=1 wd=0 od=1 | rev sent=0 ans=0 pend=0 od=0 | sup issued=0 ans=0 rect=0 od=0"},
      {"market", v1::MARKET_ORDER,
       "cases=2 decided=2 fen=620050 major=1 | fwd sent=2 acc=1 ref=1 pend=0 wd=0 od=0 | rev sent=1 ans=1 pend=0 od=0 | sup issued=1 ans=1 rect=1 od=0"},
      {"town-a", v1::DOMAIN_UNSPECIFIED,
       "cases=0 decided=0 fen=0 major=0 | fwd sent=0 acc=0 ref=0 pend=0 wd=0 od=0 | rev sent=0 ans=0 pend=0 od=0 | sup issued=1 ans=1 rect=0 od=0"},
      {"town-a", v1::PUBLIC_ORDER,
       "cases=1 decided=1 fen=10000 major=0 | fwd sent=0 acc=0 ref=0 pend=0 wd=0 od=0 | rev sent=0 ans=0 pend=0 od=0 | sup issued=0 ans=0 rect=0 od=0"},
  };
  ASSERT_EQ(r->rows_size(), static_cast<int>(want.size()));
  for (size_t i = 0; i < want.size(); ++i) {
    // Ordered by agency id, then domain.
    EXPECT_EQ(r->rows(i).agency(), want[i].agency) << i;
    EXPECT_EQ(r->rows(i).domain(), want[i].domain) << i;
    EXPECT_EQ(Figures(r->rows(i).figures()), want[i].figures) << want[i].agency << " " << want[i].domain;
  }
  EXPECT_EQ(r->rows(2).agency_name(), "区市场监管局");
  EXPECT_EQ(Figures(r->total()),
            "cases=5 decided=4 fen=660050 major=2 | fwd sent=4 acc=1 ref=1 pend=1 wd=1 od=1 | rev sent=2 ans=1 pend=1 od=1 | sup issued=3 ans=2 rect=1 od=1");
  ASSERT_EQ(r->agency_totals_size(), 3);
  EXPECT_EQ(r->agency_totals(1).agency(), "market");
  EXPECT_EQ(Figures(r->agency_totals(1).figures()),
            "cases=3 decided=2 fen=620050 major=1 | fwd sent=3 acc=1 ref=1 pend=1 wd=0 od=1 | rev sent=1 ans=1 pend=0 od=0 | sup issued=1 ans=1 rect=1 od=0");
  // Overdue items, most overdue first, with days counted from the deadline
  // (a started day counts): F3 due 03-09 00:00, R2 due 05-07 00:00 (two
  // months from 03-05 end on Sunday 05-05, moved to Monday 05-06: 民法典
  // 第二百零三条), S3 due 05-16 00:00 (two months from service 03-15).
  ASSERT_EQ(r->overdue_size(), 3);
  EXPECT_EQ(r->overdue(0).id(), f3_);
  EXPECT_EQ(r->overdue(0).kind(), v1::OverdueItem::FORWARD_TRANSFER);
  EXPECT_EQ(r->overdue(0).agency(), "market");
  EXPECT_EQ(r->overdue(0).case_id(), c3_);
  EXPECT_EQ(r->overdue(0).days_overdue(), 85);
  EXPECT_EQ(r->overdue(1).id(), r2_);
  EXPECT_EQ(r->overdue(1).agency(), "emergency");
  EXPECT_EQ(r->overdue(1).days_overdue(), 26);
  EXPECT_EQ(r->overdue(2).id(), s3_);
  EXPECT_EQ(r->overdue(2).document_number(), "某检行建〔2024〕3号");
  EXPECT_EQ(r->overdue(2).days_overdue(), 17);
  EXPECT_EQ(r->overdue_omitted(), 0);
  // Major cases of the period, with the report's field rules: titles yes,
  // personal data no.
  ASSERT_EQ(r->major_cases_size(), 2);
  std::set<std::string> major{r->major_cases(0).case_id(), r->major_cases(1).case_id()};
  EXPECT_EQ(major, (std::set<std::string>{c1_, e1_}));
  EXPECT_FALSE(r->major_cases(0).title().empty());
  EXPECT_TRUE(r->major_cases(0).parties(0).person().name().empty());
  EXPECT_TRUE(r->major_cases(0).parties(0).person().id_number().empty());
  EXPECT_EQ(r->as_of().seconds(), absl::ToUnixSeconds(Cst(2024, 6, 1, 10, 0)));
  EXPECT_EQ(r->time_zone(), "Asia/Shanghai");
  // The cases the lists name reached the government: its entry names them
  // (the major cases' through the response filter, the overdue items' too).
  std::set<std::string> logged;
  for (const auto& e : LoggedCalls("government", "ReportService/GetJointMeetingReport")) {
    logged.insert(e.case_ids().begin(), e.case_ids().end());
  }
  for (const auto& o : r->overdue()) {
    if (o.case_id().empty()) continue;
    EXPECT_TRUE(logged.count(o.case_id())) << o.id() << " names " << o.case_id();
  }
  EXPECT_TRUE(logged.count(c3_)) << "F3's case";
  for (const auto& m : r->major_cases()) EXPECT_TRUE(logged.count(m.case_id())) << m.case_id();
  // The justice bureau and the procuratorate read the same figures.
  for (const char* a : {"justice", "procuratorate"}) {
    auto other = Report(a);
    ASSERT_TRUE(other.ok()) << a << ": " << other.status();
    EXPECT_EQ(Figures(other->total()), Figures(r->total())) << a;
  }
}

TEST_F(ReportTest, OverdueFollowsTheServerClock) {
  BuildDistrict();
  SetNow(Cst(2024, 3, 8, 23, 59));  // before every deadline
  auto r = Report("government");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->total().forward_overdue() + r->total().reverse_overdue() + r->total().supervision_overdue(), 0);
  EXPECT_EQ(r->overdue_size(), 0);
  SetNow(Cst(2024, 3, 9, 0, 0));  // F3's deadline
  r = Report("government");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->total().forward_overdue(), 1);
  ASSERT_EQ(r->overdue_size(), 1);
  EXPECT_EQ(r->overdue(0).days_overdue(), 1);
}

TEST_F(ReportTest, HiddenRowsAreNeitherCountedNorListed) {
  BuildDistrict();
  // market's grant (report-own) selects its own rows only.
  auto r = Report("market");
  ASSERT_TRUE(r.ok()) << r.status();
  for (const auto& row : r->rows()) EXPECT_EQ(row.agency(), "market") << row.ShortDebugString();
  EXPECT_EQ(Figures(r->total()),
            "cases=3 decided=2 fen=620050 major=1 | fwd sent=3 acc=1 ref=1 pend=1 wd=0 od=1 | rev sent=1 ans=1 pend=0 od=0 | sup issued=1 ans=1 rect=1 od=0");
  ASSERT_EQ(r->overdue_size(), 1);
  EXPECT_EQ(r->overdue(0).id(), f3_);
  ASSERT_EQ(r->major_cases_size(), 1);
  EXPECT_EQ(r->major_cases(0).case_id(), c1_);
  // A town sees only its own.
  auto t = Report("town-a");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->total().cases(), 1);
  EXPECT_EQ(t->total().supervision_issued(), 1);
  EXPECT_EQ(t->total().forward_sent() + t->total().reverse_sent(), 0);
  EXPECT_EQ(t->overdue_size(), 0);
  EXPECT_EQ(t->major_cases_size(), 0);
}

// A supervision record addressed to market naming emergency's case counts in
// market's report, but in no domain: its row must not tell market the domain
// of a case market cannot read. A district-wide reader sees the case's domain.
TEST_F(ReportTest, AnItemNamingACaseTheCallerCannotReadCountsInNoDomain) {
  const std::string theirs = Case("emergency", v1::WORK_SAFETY, "2024-03-10", 30000);
  ASSERT_FALSE(theirs.empty());
  Supervision("market", theirs, Cst(2024, 3, 12, 9, 0), "某检行建〔2024〕9号");
  SetNow(Cst(2024, 6, 1, 10, 0));
  v1::GetCaseRequest get;
  get.set_case_id(theirs);
  ASSERT_EQ(As("market").GetCase(get).status().code(), absl::StatusCode::kNotFound);

  auto mine = Report("market");
  ASSERT_TRUE(mine.ok()) << mine.status();
  int64_t issued = 0;
  for (const auto& row : mine->rows()) {
    EXPECT_NE(row.domain(), v1::WORK_SAFETY) << row.ShortDebugString();
    if (row.figures().supervision_issued() > 0) {
      EXPECT_EQ(row.domain(), v1::DOMAIN_UNSPECIFIED) << row.ShortDebugString();
    }
    issued += row.figures().supervision_issued();
  }
  EXPECT_EQ(issued, 1) << "the record addressed to market still counts";

  auto district = Report("procuratorate");
  ASSERT_TRUE(district.ok()) << district.status();
  bool found = false;
  for (const auto& row : district->rows()) {
    found |= row.agency() == "market" && row.domain() == v1::WORK_SAFETY && row.figures().supervision_issued() == 1;
  }
  EXPECT_TRUE(found) << district->ShortDebugString();
}

TEST_F(ReportTest, RowRulesOfAnotherPolicyDecideWhatCounts) {
  // A district whose justice bureau may report on work safety only.
  StartWithReportRules("GOVERNMENT, PROCURATORATE",
                       "rules { name: \"report-justice-safety\" roles: [JUSTICE] "
                       "rpcs: [\"caselink.v1.ReportService/GetJointMeetingReport\"] "
                       "rows { domains: [WORK_SAFETY] } fields { sensitivity: PUBLIC action: ALLOW } }\n");
  BuildDistrict();
  auto r = Report("justice");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->rows_size(), 1);
  EXPECT_EQ(r->rows(0).agency(), "emergency");
  EXPECT_EQ(r->rows(0).domain(), v1::WORK_SAFETY);
  EXPECT_EQ(Figures(r->total()),
            "cases=1 decided=1 fen=0 major=1 | fwd sent=1 acc=0 ref=0 pend=0 wd=1 od=0 | rev sent=0 ans=0 pend=0 od=0 | sup issued=1 ans=0 rect=0 od=1");
  // PUBLIC only: the title (INTERNAL) of the major case is withheld, and its
  // penalty amount (INTERNAL) adds nothing to the sum (it was 30000).
  ASSERT_EQ(r->major_cases_size(), 1);
  EXPECT_TRUE(r->major_cases(0).title().empty());
}

// A case adds to a report only what the reader's plan shows of it (the
// figures' and the row keys' (aggregates) in report.proto): a government that
// may count work-safety cases but not read their domain, owner or amounts
// gets them under an empty row key with no sum, and an overdue record naming
// one of them in no domain. Before, the row named (emergency, WORK_SAFETY)
// and summed the amount.
TEST_F(ReportTest, ACaseAddsOnlyWhatTheReaderMayReadOfIt) {
  StartWithReportRules("JUSTICE, PROCURATORATE",
                       "rules { name: \"report-government-counted\" roles: [GOVERNMENT] "
                       "rpcs: [\"caselink.v1.ReportService/GetJointMeetingReport\"] rows { domains: [WORK_SAFETY] } "
                       "fields { sensitivity: PUBLIC action: ALLOW } fields { path: \"domain\" action: DENY } "
                       "fields { path: \"owner_agency\" action: DENY } }\n");
  BuildDistrict();
  auto r = Report("government");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->total().cases(), 1);
  EXPECT_EQ(r->total().penalty_amount_fen(), 0);
  EXPECT_EQ(r->total().major_cases(), 1) << "major is PUBLIC: counted";
  bool counted = false;
  for (const auto& row : r->rows()) {
    EXPECT_NE(row.domain(), v1::WORK_SAFETY) << row.ShortDebugString();
    if (row.figures().cases() > 0) {
      counted = true;
      EXPECT_EQ(row.agency(), "") << row.ShortDebugString();
      EXPECT_EQ(row.domain(), v1::DOMAIN_UNSPECIFIED) << row.ShortDebugString();
    }
  }
  EXPECT_TRUE(counted);
  bool listed = false;
  for (const auto& o : r->overdue()) {
    EXPECT_NE(o.domain(), v1::WORK_SAFETY) << o.ShortDebugString();
    listed |= o.id() == s3_;
  }
  EXPECT_TRUE(listed) << "the overdue record itself is still listed";
  // Nor is any agency said to have entered no case: the government cannot
  // read whose the counted cases are (it named every agency, emergency too).
  EXPECT_EQ(r->agencies_without_entries_size(), 0) << r->ShortDebugString();
  // The procuratorate, which reads them, gets the same cases in full.
  auto p = Report("procuratorate");
  ASSERT_TRUE(p.ok()) << p.status();
  bool full = false;
  for (const auto& row : p->rows()) {
    full |= row.agency() == "emergency" && row.domain() == v1::WORK_SAFETY &&
            row.figures().penalty_amount_fen() == 30000;
  }
  EXPECT_TRUE(full) << p->ShortDebugString();
}

TEST_F(ReportTest, TransferredRowsCountForTheAgencyTheyAreLinkedTo) {
  // A district that lets the police report on the cases transferred to them.
  DistrictOptions o;
  o.policy_text = TestDistrict::ExamplePolicyText() +
                  "rules { name: \"report-police-transfers\" roles: [POLICE] "
                  "rpcs: [\"caselink.v1.ReportService/GetJointMeetingReport\"] "
                  "rows { transferred: true } fields { sensitivity: PUBLIC action: ALLOW } }\n";
  district_.reset();
  StartDistrict(o);
  BuildDistrict();
  auto r = Report("psb");
  ASSERT_TRUE(r.ok()) << r.status();
  // The four cases sent to psb and their forward transfers; nothing the
  // police are not linked to (reverse transfers, supervision records,
  // town-a's case).
  EXPECT_EQ(Figures(r->total()),
            "cases=4 decided=3 fen=0 major=2 | fwd sent=4 acc=1 ref=1 pend=1 wd=1 od=1 | rev sent=0 ans=0 pend=0 od=0 | sup issued=0 ans=0 rect=0 od=0")
      << "PUBLIC only: the amounts (INTERNAL) are summed for no one who may not read them";
  ASSERT_EQ(r->overdue_size(), 1);
  EXPECT_EQ(r->overdue(0).id(), f3_);
}

TEST_F(ReportTest, OnlyAgenciesThePolicyGrantsMayReadIt) {
  for (const char* a : {"psb", "operator"}) {
    auto r = Report(a);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied) << a << ": " << r.status();
    EXPECT_THAT(std::string(r.status().message()), HasSubstr("ReportService/GetJointMeetingReport")) << a;
  }
}

TEST_F(ReportTest, BadPeriodsAreInvalidArgumentsNamingTheField) {
  struct Bad { const char* from; const char* to; const char* field; };
  for (Bad b : {Bad{"", "2024-04-01", "from_date"}, Bad{"2024-03-01", "", "to_date"},
                Bad{"2024/03/01", "2024-04-01", "from_date"}, Bad{"2024-03-01", "2024-02-30", "to_date"},
                Bad{"2024-03-01", "2024-03-01", "to_date"}, Bad{"2024-04-01", "2024-03-01", "to_date"}}) {
    auto r = Report("government", b.from, b.to);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << b.from << ".." << b.to;
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(b.field)) << b.from << ".." << b.to;
  }
}

TEST_F(ReportTest, ReadingOtherAgenciesMajorCasesNeedsAPurpose) {
  BuildDistrict();
  v1::JointMeetingReportRequest req;
  req.set_from_date("2024-03-01");
  req.set_to_date("2024-04-01");
  auto r = As("government").GetJointMeetingReport(req);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("purpose: is required"));
  req.set_purpose(std::string(1001, 'x'));
  r = As("government").GetJointMeetingReport(req);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("purpose"));
  req.set_purpose("联席会议");
  EXPECT_TRUE(As("government").GetJointMeetingReport(req).ok());
}

TEST_F(ReportTest, CliWritesTableCsvAndSelfContainedHtml) {
  BuildDistrict();
  auto kc = district_->AgencyCert("government");
  ASSERT_TRUE(kc.ok());
  ASSERT_TRUE(WriteFile(district_->dir() + "/gov.pem", kc->cert_pem).ok());
  ASSERT_TRUE(WriteFile(district_->dir() + "/gov.key", kc->key_pem).ok());
  auto run = [&](std::vector<std::string> extra, std::string* out) {
    std::vector<std::string> args{"--target", district_->target(), "--server-name", "localhost", "--ca",
                                  district_->dir() + "/ca.pem", "--cert", district_->dir() + "/gov.pem", "--key",
                                  district_->dir() + "/gov.key", "report", "--from", "2024-03-01", "--to",
                                  "2024-04-01"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Daemon::RunToCompletion(CASELINK_CLI_PATH, args, out);
  };
  std::string table;
  ASSERT_EQ(run({}, &table), 0) << table;
  EXPECT_THAT(table, HasSubstr("罚没金额(元)"));
  EXPECT_THAT(table, HasSubstr("全区合计"));
  EXPECT_THAT(table, HasSubstr("6,600.50"));  // 660050 fen
  EXPECT_THAT(table, HasSubstr(f3_));
  std::string csv;
  ASSERT_EQ(run({"--format", "csv"}, &csv), 0) << csv;
  EXPECT_THAT(csv, HasSubstr("单位代码,单位,领域,案件,已决定,罚没金额(元),重大案件,正向移送"));
  EXPECT_THAT(csv, HasSubstr("market,区市场监管局,市场秩序,2,2,\"6,200.50\",1,2,1,1,0,0,0,1,1,0,0,1,1,1,0"));
  EXPECT_THAT(csv, HasSubstr(",全区合计,,5,4,\"6,600.50\",2,4,1,1,1,1,1,2,1,1,1,3,2,1,1"));
  const std::string html_file = district_->dir() + "/report.html";
  std::string out;
  ASSERT_EQ(run({"--format", "html", "--out", html_file}, &out), 0) << out;
  auto read = ReadFile(html_file);
  ASSERT_TRUE(read.ok()) << read.status();
  const std::string& html = *read;
  EXPECT_THAT(html, HasSubstr("<svg"));
  EXPECT_THAT(html, HasSubstr("区市场监管局"));
  EXPECT_THAT(html, HasSubstr("某检行建〔2024〕3号"));
  // Self-contained: nothing is fetched from anywhere.
  for (const char* ref : {"http://", "https://", "<script", "src=", "@import", "url(", "<link"}) {
    EXPECT_THAT(html, Not(HasSubstr(ref))) << ref;
  }
}

}  // namespace
}  // namespace caselink::testing
