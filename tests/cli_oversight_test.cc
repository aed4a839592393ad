// `caselink campaign|rectify|meeting|decision|case mark-major` end to end: the
// real CLI binary (path in CASELINK_CLI_PATH), over mTLS, against a real
// TestDistrict server. The justice bureau creates a campaign from a
// textproto file (re-running replays), draws the sample, the procuratorate
// reviews a case, the summary comes as CSV and as one offline HTML file; a
// rectification notice is issued, reported and accepted. The government
// records a joint meeting and a decision item that the market regulator
// reports done and the government closes, and marks a market case major.
// Usage errors exit 2 naming what is wrong, before anything is sent; RPC
// errors exit 1 with the server's message.
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace caselink::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kCampaignText[] = R"pb(
# 2024年上半年行政处罚案卷评查 (a campaign as the justice bureau writes it)
name: "2024年上半年行政处罚案卷评查专项行动"
from_date: "2024-01-01"
to_date: "2024-07-01"
agencies: "market"
team { agency_id: "procuratorate" role: TEAM_MEMBER }
criteria { id: "law" name: "法律适用" weight: 50 max_score: 10 }
criteria { id: "procedure" name: "程序合法" weight: 50 max_score: 10 }
grades { excellent_min: 90 pass_min: 60 }
)pb";

class CliOversightTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    WriteAgencyFiles({"justice", "procuratorate", "market", "government"});
  }

  // `caselink ARGS` as `agency`, which must succeed; its stdout.
  std::string Ok(const std::string& agency, const std::vector<std::string>& args) {
    RunResult r = Exec(args, agency);
    EXPECT_EQ(r.exit_code, 0) << absl::StrJoin(args, " ") << "\n" << r.err << r.out;
    return r.out;
  }

  // `caselink ARGS` as `agency`, which must succeed, its JSON answer parsed.
  template <typename Message>
  Message Json(const std::string& agency, const std::vector<std::string>& args) {
    return FromJson<Message>(Ok(agency, args));
  }

  // `caselink ARGS` as `agency`, which must be refused as a usage error
  // (exit 2) whose message contains `what`.
  void Usage(const std::vector<std::string>& args, const std::string& what, const std::string& agency = "justice") {
    RunResult r = Exec(args, agency);
    EXPECT_EQ(r.exit_code, 2) << absl::StrJoin(args, " ") << "\n" << r.err << r.out;
    EXPECT_THAT(r.err, StartsWith("caselink: error: ")) << absl::StrJoin(args, " ");
    EXPECT_THAT(r.err, HasSubstr(what)) << absl::StrJoin(args, " ");
    EXPECT_EQ(r.out, "");
  }

  std::string CampaignFile() {
    const std::string path = Path("campaign.textproto");
    Spit(path, kCampaignText);
    return path;
  }
};

TEST_F(CliOversightTest, UsageErrorsSayWhatIsWrongBeforeAnythingIsSent) {
  Usage({"campaign", "create", "--file", Path("missing.textproto")}, "missing.textproto");
  const std::string bad = Path("bad.textproto");
  Spit(bad, "name: \"x\"\nno_such_field: 1\n");
  Usage({"campaign", "create", "--file", bad}, "not a valid caselink.v1.Campaign in text format");
  const std::string bad_json = Path("bad.json");
  Spit(bad_json, "{\"name\": \"x\", \"no_such_field\": 1}");
  Usage({"campaign", "create", "--file", bad_json}, "not a valid caselink.v1.Campaign in JSON");
  Usage({"campaign", "draw", "CP-1", "--seed", "7"}, "exactly one of --per-stratum N");
  Usage({"campaign", "draw", "CP-1", "--seed", "7", "--per-stratum", "3", "--fraction", "10"},
        "exactly one of --per-stratum N");
  Usage({"campaign", "draw", "CP-1", "--per-stratum", "3"}, "--seed");
  Usage({"campaign", "review", "CP-1", "C1", "--score", "law:9"}, "--score \"law:9\": expected CRITERION=SCORE");
  Usage({"campaign", "review", "CP-1", "C1", "--score", "law=9", "--score", "law=8"}, "scored twice");
  Usage({"campaign", "review", "CP-1", "C1", "--score", "law=9", "--finding", "law"}, "--finding \"law\"");
  Usage({"campaign", "add-case", "CP-1", "C1", "--reason", "  "}, "--reason is empty");
  Usage({"campaign", "summary", "CP-1", "--format", "pdf"}, "unknown --format \"pdf\"");
  Usage({"rectify", "create", "CP-1", "--to", "market", "--case", "C1", "--subject", "x", "--due", "2024-02-30"},
        "--due \"2024-02-30\" is not a day YYYY-MM-DD");
  Usage({"rectify", "create", "CP-1", "--to", "market", "--subject", "x", "--due", "2024-04-30"}, "--case");
  Usage({"rectify", "return", "RN-1", "--reason", ""}, "--reason is empty");
  Usage({"rectify", "ls", "--state", "nonsense"}, "unknown --state \"nonsense\"");
  Usage({"meeting", "create", "--kind", "party", "--title", "t", "--date", "2024-03-05"},
        "unknown --kind \"party\"; one of joint (联席会议)");
  Usage({"meeting", "create", "--kind", "joint", "--title", "t", "--date", "5 March"}, "--date \"5 March\"");
  Usage({"meeting", "create", "--kind", "joint", "--title", "t", "--date", "2024-03-05", "--summary",
         "@" + Path("no-summary.txt")},
        "--summary: ");
  Usage({"meeting", "ls", "--from", "2024-3-1"}, "--from \"2024-3-1\"");
  Usage({"decision", "create", "M1", "--owner", "market", "--subject", "x", "--due", "tomorrow"}, "--due");
  Usage({"decision", "done", "D1"}, "--reason");
  Usage({"decision", "reopen", "D1", "--reason", " "}, "--reason is empty");
  Usage({"decision", "ls", "--state", "open-ish"}, "unknown --state \"open-ish\"");
  Usage({"case", "mark-major", "C1", "--reason", "r"}, "--purpose");
  Usage({"case", "mark-major", "C1", "--reason", " ", "--purpose", "p"}, "--reason is empty");
}

TEST_F(CliOversightTest, RpcErrorsPrintTheServersMessage) {
  // Only a justice bureau creates campaigns.
  RunResult r = Exec({"campaign", "create", "--file", CampaignFile()}, "market");
  EXPECT_EQ(r.exit_code, 1) << r.err << r.out;
  EXPECT_THAT(r.err, StartsWith("caselink: error: PERMISSION_DENIED: ")) << r.err;
  EXPECT_EQ(r.out, "");
  // A campaign nobody created.
  r = Exec({"campaign", "show", "CP-nonexistent"}, "justice");
  EXPECT_EQ(r.exit_code, 1) << r.err << r.out;
  EXPECT_THAT(r.err, StartsWith("caselink: error: NOT_FOUND: ")) << r.err;
}

TEST_F(CliOversightTest, ACampaignFromItsFileToAnAcceptedRectification) {
  const std::string first = NewCase("market");
  const std::string second = NewCase("market");
  ASSERT_FALSE(first.empty());
  ASSERT_FALSE(second.empty());

  // The justice bureau creates the campaign from its textproto file;
  // re-running the same command replays the first answer.
  const std::string file = CampaignFile();
  const auto made = Json<v1::CampaignResponse>("justice", {"campaign", "create", "--file", file});
  const v1::Campaign& campaign = made.campaign();
  ASSERT_FALSE(campaign.id().empty()) << made.DebugString();
  EXPECT_FALSE(made.replayed());
  EXPECT_EQ(campaign.name(), "2024年上半年行政处罚案卷评查专项行动");
  EXPECT_EQ(campaign.organizer_agency(), "justice");
  ASSERT_EQ(campaign.criteria_size(), 2);
  EXPECT_EQ(campaign.criteria(1).id(), "procedure");
  EXPECT_EQ(campaign.grades().excellent_min(), 90);
  const auto again = Json<v1::CampaignResponse>("justice", {"campaign", "create", "--file", file});
  EXPECT_TRUE(again.replayed());
  // A replay is said on stderr: nothing new was done.
  const RunResult replay = Exec({"campaign", "create", "--file", file}, "justice");
  EXPECT_EQ(replay.exit_code, 0);
  EXPECT_THAT(replay.err, ::testing::HasSubstr("replayed its answer to an earlier identical request"));
  EXPECT_EQ(again.campaign().id(), campaign.id());
  const std::string id = campaign.id();
  EXPECT_EQ(Json<v1::CampaignResponse>("justice", {"campaign", "show", id}).campaign().id(), id);
  EXPECT_EQ(Json<v1::ListCampaignsResponse>("justice", {"campaign", "ls"}).campaigns_size(), 1);
  EXPECT_EQ(Json<v1::ListCampaignsResponse>("procuratorate", {"campaign", "ls"}).campaigns_size(), 1);

  // The draw: both market cases (fewer than 5 in the stratum).
  const auto drawn =
      Json<v1::SampleResponse>("justice", {"campaign", "draw", id, "--seed", "20240305", "--per-stratum", "5"});
  EXPECT_EQ(drawn.sample().seed(), 20240305u);
  EXPECT_EQ(drawn.sample().size_per_stratum(), 5);
  std::vector<std::string> sampled;
  for (const auto& c : drawn.sample().cases()) sampled.push_back(c.case_id());
  EXPECT_THAT(sampled, Contains(first));
  EXPECT_THAT(sampled, Contains(second));
  EXPECT_EQ(Json<v1::SampleResponse>("market", {"campaign", "sample", id}).sample().cases_size(), 2);

  // The procuratorate, on the team, reviews the first case.
  const auto reviewed = Json<v1::ReviewResponse>(
      "procuratorate", {"campaign", "review", id, first, "--score", "law=9", "--score", "procedure=8", "--finding",
                        "procedure|未告知当事人陈述、申辩权利|《中华人民共和国行政处罚法》第四十四条", "--comment",
                        "事实清楚, 程序有瑕疵"});
  const v1::Review& review = reviewed.review();
  EXPECT_EQ(review.reviewer_agency(), "procuratorate");
  EXPECT_EQ(review.case_agency(), "market");
  EXPECT_EQ(review.total_centi(), 8500);  // 50 × 9/10 + 50 × 8/10 = 85.00
  EXPECT_EQ(review.grade(), v1::GRADE_PASS);
  ASSERT_EQ(review.findings_size(), 1);
  EXPECT_EQ(review.findings(0).legal_basis(), "《中华人民共和国行政处罚法》第四十四条");
  const std::string finding = review.findings(0).id();
  EXPECT_FALSE(finding.empty());
  const auto reviews = Json<v1::ListReviewsResponse>("justice", {"campaign", "reviews", id, "--case", first});
  ASSERT_EQ(reviews.reviews_size(), 1);
  EXPECT_EQ(reviews.reviews(0).id(), review.id());

  // The summary as CSV (UTF-8 with a BOM), one row per SummaryRow.
  const std::string csv = Ok("justice", {"campaign", "summary", id, "--format", "csv"});
  EXPECT_THAT(csv, StartsWith("\xEF\xBB\xBF单位,评查项目,抽查案件,已评查,平均分,优秀,合格,不合格,问题,整改通知,"
                              "整改中,逾期,已验收\r\n"));
  EXPECT_THAT(csv, HasSubstr("\r\nmarket,(all),2,1,85.00,0,1,0,1,0,0,0,0\r\n"));
  EXPECT_THAT(csv, HasSubstr("\r\nmarket,law,2,1,90.00,"));
  EXPECT_THAT(csv, HasSubstr("\r\nmarket,procedure,2,1,80.00,"));
  EXPECT_THAT(csv, HasSubstr("\r\n全区合计,(all),2,1,85.00,"));
  EXPECT_THAT(csv, HasSubstr("\r\n案件编号,被检查单位,评查单位,等次,版本,总分,问题\r\n"));
  // ... and as one offline HTML page, written to a file.
  const std::string html_path = Path("summary.html");
  RunResult html_run = Exec({"campaign", "summary", id, "--format", "html", "--out", html_path}, "justice");
  ASSERT_EQ(html_run.exit_code, 0) << html_run.err;
  EXPECT_EQ(html_run.out, "");
  EXPECT_THAT(html_run.err, HasSubstr(html_path));
  const std::string html = Slurp(html_path);
  EXPECT_THAT(html, StartsWith("<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("2024年上半年行政处罚案卷评查专项行动"));
  EXPECT_THAT(html, HasSubstr("<svg"));
  EXPECT_THAT(html, HasSubstr("<title>market 平均分: 85.00</title>"));
  EXPECT_THAT(html, Not(HasSubstr("http")));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(Ok("justice", {"campaign", "summary", id}), HasSubstr("专项行动总结报告 2024年上半年行政处罚案卷评查专项行动"));

  // A rectification notice to the market regulator, reported and accepted.
  const auto issued = Json<v1::RectificationResponse>(
      "justice", {"rectify", "create", id, "--to", "market", "--case", first, "--subject",
                  "规范告知程序, 对照评查问题逐项整改", "--due", "2024-04-30", "--document-number",
                  "某司整〔2024〕1号", "--finding", finding});
  const v1::Rectification& notice = issued.rectification();
  ASSERT_FALSE(notice.id().empty()) << issued.DebugString();
  EXPECT_EQ(notice.state(), v1::STATE_ISSUED);
  EXPECT_EQ(notice.receiver_agency(), "market");
  EXPECT_EQ(notice.due_date(), "2024-04-30");
  EXPECT_THAT(notice.finding_refs(), Contains(finding));
  EXPECT_EQ(Json<v1::ListRectificationsResponse>("market", {"rectify", "ls", "--state", "issued"})
                .rectifications_size(),
            1);
  EXPECT_EQ(Json<v1::RectificationResponse>("market", {"rectify", "report", notice.id(), "--reason",
                                                       "已组织执法人员培训, 补正告知程序"})
                .rectification()
                .state(),
            v1::STATE_RECTIFIED);
  const auto accepted = Json<v1::RectificationResponse>("justice", {"rectify", "accept", notice.id()});
  EXPECT_EQ(accepted.rectification().state(), v1::STATE_CLOSED);
  EXPECT_FALSE(accepted.replayed());
  // Re-running the acceptance replays it (the request_id is the request's digest).
  EXPECT_TRUE(Json<v1::RectificationResponse>("justice", {"rectify", "accept", notice.id()}).replayed());
  const auto shown = Json<v1::GetRectificationResponse>("market", {"rectify", "show", notice.id()});
  EXPECT_EQ(shown.rectification().state(), v1::STATE_CLOSED);
  ASSERT_GE(shown.history_size(), 2);
  EXPECT_EQ(shown.history(shown.history_size() - 1).action(), v1::ACTION_CONFIRM_RECTIFICATION);
  EXPECT_EQ(Json<v1::ListRectificationsResponse>("justice", {"rectify", "ls", "--state", "closed"})
                .rectifications_size(),
            1);
}

TEST_F(CliOversightTest, AMeetingsDecisionIsDoneAndClosedAndACaseMarkedMajor) {
  const std::string case_id = NewCase("market");
  ASSERT_FALSE(case_id.empty());
  const std::string summary = Path("纪要.txt");
  Spit(summary, "通报一季度行政执法与检察监督衔接情况；\n议定事项见纪要。");

  const auto made = Json<v1::MeetingResponse>(
      "government", {"meeting", "create", "--kind", "joint", "--title", "2024年第一季度府检联动联席会议", "--date",
                     "2024-03-05", "--attendee", "market", "--attendee", "procuratorate", "--attendee",
                     "justice", "--case", case_id, "--summary", "@" + summary});
  const v1::Meeting& meeting = made.meeting();
  ASSERT_FALSE(meeting.id().empty()) << made.DebugString();
  EXPECT_EQ(meeting.kind(), v1::MEETING_JOINT);
  EXPECT_EQ(meeting.convener_agency(), "government");
  EXPECT_EQ(meeting.summary(), Slurp(summary));
  EXPECT_THAT(Json<v1::GetMeetingResponse>("market", {"meeting", "show", meeting.id()}).meeting().title(),
              HasSubstr("联席会议"));
  EXPECT_EQ(Json<v1::ListMeetingsResponse>("government", {"meeting", "ls", "--from", "2024-03-01", "--to",
                                                          "2024-04-01"})
                .meetings_size(),
            1);
  EXPECT_EQ(Json<v1::ListMeetingsResponse>("government", {"meeting", "ls", "--from", "2024-04-01"}).meetings_size(),
            0);

  // A decision item for the market regulator, reported done and closed.
  const auto assigned = Json<v1::DecisionResponse>(
      "government", {"decision", "create", meeting.id(), "--owner", "market", "--subject",
                     "排查辖区内食品生产企业的涉刑线索并报送结果", "--due", "2024-03-29", "--case", case_id});
  const v1::DecisionItem& decision = assigned.decision();
  ASSERT_FALSE(decision.id().empty()) << assigned.DebugString();
  EXPECT_EQ(decision.state(), v1::STATE_ASSIGNED);
  EXPECT_EQ(decision.receiver_agency(), "market");
  EXPECT_EQ(Json<v1::ListDecisionsResponse>("market", {"decision", "ls", "--state", "assigned"}).decisions_size(), 1);
  EXPECT_EQ(Json<v1::DecisionResponse>("market", {"decision", "done", decision.id(), "--reason",
                                                  "已排查食品生产企业12家, 发现线索1条并已移送"})
                .decision()
                .state(),
            v1::STATE_DONE_REPORTED);
  EXPECT_EQ(Json<v1::DecisionResponse>("government", {"decision", "close", decision.id()}).decision().state(),
            v1::STATE_CLOSED);
  const auto shown = Json<v1::GetDecisionResponse>("market", {"decision", "show", decision.id()});
  EXPECT_EQ(shown.decision().state(), v1::STATE_CLOSED);
  ASSERT_GE(shown.history_size(), 2);
  EXPECT_EQ(shown.history(shown.history_size() - 1).action(), v1::ACTION_CLOSE);
  EXPECT_EQ(Json<v1::ListDecisionsResponse>("government", {"decision", "ls", "--state", "closed"}).decisions_size(),
            1);

  // The joint-meeting report as JSON into a file (--out is honoured for
  // every format) carries the closed decision item of the period.
  // The file lists cases by title: its owner's alone, whatever the umask.
  const std::string report_path = Path("report.json");
  const mode_t previous = ::umask(022);
  RunResult report_run =
      Exec({"report", "--from", "2024-03-01", "--to", "2024-04-01", "--format", "json", "--out", report_path},
           "government");
  ::umask(previous);
  ASSERT_EQ(report_run.exit_code, 0) << report_run.err;
  EXPECT_EQ(report_run.out, "");
  EXPECT_EQ(std::filesystem::status(report_path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const auto report = FromJson<v1::JointMeetingReport>(Slurp(report_path));
  ASSERT_EQ(report.decisions_size(), 1);
  EXPECT_EQ(report.decisions(0).id(), decision.id());

  // The government marks the market case major; re-running replays.
  const std::vector<std::string> mark = {"case", "mark-major", case_id, "--reason", "涉案金额巨大, 提交联席会议研判",
                                         "--purpose", "联席会议重大案件研判"};
  const auto marked = Json<v1::SubmitCaseResponse>("government", mark);
  EXPECT_TRUE(marked.case_().major());
  EXPECT_EQ(marked.case_().owner_agency(), "market");
  EXPECT_EQ(marked.case_().major_mark().agency_id(), "government");
  EXPECT_FALSE(marked.replayed());
  EXPECT_TRUE(Json<v1::SubmitCaseResponse>("government", mark).replayed());
  // ... and takes the mark back.
  const auto unmarked = Json<v1::SubmitCaseResponse>(
      "government", {"case", "mark-major", case_id, "--unmark", "--reason", "经会商, 不再作为重大案件", "--purpose",
                     "联席会议重大案件研判"});
  EXPECT_FALSE(unmarked.case_().major());
  EXPECT_FALSE(unmarked.case_().major_mark().major());
}

}  // namespace
}  // namespace caselink::testing
