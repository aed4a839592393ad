// The campaign summary renderers (专项行动总结报告) as units: the exact CSV of a
// hand-built summary (scores in points with two decimals, notices only on the
// whole rows, quoting), the terminal table's sections, and an HTML page that
// escapes every text, draws its charts as inline SVG and references nothing
// outside itself.
#include "campaign_summary_html.h"
#include "campaign_summary_render.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace caselink::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

v1::SummaryRow* AddRow(v1::CampaignSummary* s, const std::string& agency, const std::string& criterion,
                       int64_t sampled, int64_t reviewed, int32_t average_centi, int64_t excellent, int64_t pass,
                       int64_t fail, int64_t findings) {
  v1::SummaryRow* r = s->add_rows();
  r->set_agency_id(agency);
  r->set_criterion_id(criterion);
  r->set_cases_sampled(sampled);
  r->set_cases_reviewed(reviewed);
  r->set_average_centi(average_centi);
  r->set_excellent(excellent);
  r->set_pass(pass);
  r->set_fail(fail);
  r->set_findings(findings);
  return r;
}

void SetNotices(v1::SummaryRow* r, int64_t notices, int64_t open, int64_t overdue, int64_t accepted) {
  r->set_notices(notices);
  r->set_notices_open(open);
  r->set_notices_overdue(overdue);
  r->set_notices_accepted(accepted);
}

v1::Review* AddReview(v1::ReviewDifference* d, const std::string& reviewer, int64_t version, int32_t total_centi,
                      v1::Grade grade, int findings) {
  v1::Review* r = d->add_reviews();
  r->set_campaign_id("CP-1");
  r->set_case_id(d->case_id());
  r->set_case_agency(d->agency_id());
  r->set_reviewer_agency(reviewer);
  r->set_version(version);
  r->set_total_centi(total_centi);
  r->set_grade(grade);
  for (int i = 0; i < findings; ++i) r->add_findings()->set_criterion_id("procedure");
  return r;
}

v1::CampaignSummary Sample(const std::string& name = "2024年上半年行政处罚案卷评查") {
  v1::CampaignSummary s;
  v1::Campaign* c = s.mutable_campaign();
  c->set_id("CP-1");
  c->set_name(name);
  c->set_from_date("2024-01-01");
  c->set_to_date("2024-07-01");
  c->add_agencies("market");
  c->add_agencies("emergency");
  c->set_organizer_agency("justice");
  v1::Criterion* law = c->add_criteria();
  law->set_id("law");
  law->set_name("法律适用");
  law->set_weight(50);
  law->set_max_score(10);
  v1::Criterion* procedure = c->add_criteria();
  procedure->set_id("procedure");
  procedure->set_name("程序合法");
  procedure->set_weight(50);
  procedure->set_max_score(10);
  c->mutable_grades()->set_excellent_min(90);
  c->mutable_grades()->set_pass_min(60);

  SetNotices(AddRow(&s, "market", "", 3, 2, 8550, 1, 1, 0, 2), 1, 1, 1, 0);
  AddRow(&s, "market", "law", 3, 2, 9000, 1, 1, 0, 1);
  AddRow(&s, "market", "procedure", 3, 2, 8100, 0, 2, 0, 1);
  AddRow(&s, "emergency", "", 2, 0, 0, 0, 0, 0, 0);
  SetNotices(AddRow(&s, "", "", 5, 2, 8550, 1, 1, 0, 2), 1, 1, 1, 0);

  v1::ReviewDifference* d = s.add_differences();
  d->set_case_id("C1");
  d->set_agency_id("market");
  AddReview(d, "justice", 1, 9250, v1::GRADE_EXCELLENT, 1);
  AddReview(d, "procuratorate", 2, 7800, v1::GRADE_PASS, 2);

  v1::Rectification* n = s.add_overdue();
  n->set_id("RN-1");
  n->set_campaign_id("CP-1");
  n->set_state(v1::STATE_ISSUED);
  n->set_sender_agency("justice");
  n->set_receiver_agency("market");
  n->add_case_ids("C1");
  n->add_case_ids("C2");
  n->set_document_number("某司整〔2024〕1号");
  n->set_due_date("2024-05-31");
  n->set_subject("整改\"台账\", 规范文书");
  return s;
}

TEST(CampaignSummaryRenderTest, ScoresArePointsWithTwoDecimals) {
  EXPECT_EQ(FormatCenti(0), "0.00");
  EXPECT_EQ(FormatCenti(5), "0.05");
  EXPECT_EQ(FormatCenti(8550), "85.50");
  EXPECT_EQ(FormatCenti(10000), "100.00");
  EXPECT_EQ(FormatCenti(-5), "-0.05");
  EXPECT_EQ(GradeLabel(v1::GRADE_EXCELLENT), "优秀");
  EXPECT_EQ(GradeLabel(v1::GRADE_PASS), "合格");
  EXPECT_EQ(GradeLabel(v1::GRADE_FAIL), "不合格");
  EXPECT_EQ(GradeLabel(v1::GRADE_UNSPECIFIED), "");
}

TEST(CampaignSummaryRenderTest, CsvIsExact) {
  const std::string want =
      "\xEF\xBB\xBF"
      "单位,评查项目,抽查案件,已评查,平均分,优秀,合格,不合格,问题,整改通知,整改中,逾期,已验收\r\n"
      "market,(all),3,2,85.50,1,1,0,2,1,1,1,0\r\n"
      "market,law,3,2,90.00,1,1,0,1,,,,\r\n"
      "market,procedure,3,2,81.00,0,2,0,1,,,,\r\n"
      "emergency,(all),2,0,,0,0,0,0,0,0,0,0\r\n"
      "全区合计,(all),5,2,85.50,1,1,0,2,1,1,1,0\r\n"
      "\r\n"
      "案件编号,被检查单位,评查单位,等次,版本,总分,问题\r\n"
      "C1,market,justice,优秀,1,92.50,1\r\n"
      "C1,market,procuratorate,合格,2,78.00,2\r\n"
      "\r\n"
      "编号,被检查单位,案件,文书号,整改期限,状态,整改事项\r\n"
      "RN-1,market,C1 C2,某司整〔2024〕1号,2024-05-31,待整改,\"整改\"\"台账\"\", 规范文书\"\r\n";
  EXPECT_EQ(RenderCampaignSummaryCsv(Sample()), want);
}

TEST(CampaignSummaryRenderTest, CsvOfAnEmptySummaryKeepsItsHeaders) {
  v1::CampaignSummary s;
  EXPECT_EQ(RenderCampaignSummaryCsv(s),
            "\xEF\xBB\xBF"
            "单位,评查项目,抽查案件,已评查,平均分,优秀,合格,不合格,问题,整改通知,整改中,逾期,已验收\r\n"
            "\r\n"
            "案件编号,被检查单位,评查单位,等次,版本,总分,问题\r\n"
            "\r\n"
            "编号,被检查单位,案件,文书号,整改期限,状态,整改事项\r\n");
}

TEST(CampaignSummaryRenderTest, TableHasTheTitleRowsAndLists) {
  const std::string t = RenderCampaignSummaryTable(Sample());
  EXPECT_THAT(t, HasSubstr("专项行动总结报告 2024年上半年行政处罚案卷评查 2024-01-01 至 2024-07-01 (不含)\n"));
  EXPECT_THAT(t, HasSubstr("评查分歧 (1)\n"));
  EXPECT_THAT(t, HasSubstr("逾期未整改 (1)\n"));
  EXPECT_THAT(t, HasSubstr("85.50"));
  EXPECT_THAT(t, HasSubstr("全区合计"));
  EXPECT_THAT(t, HasSubstr("92.50"));
  EXPECT_THAT(t, HasSubstr("某司整〔2024〕1号"));
  // The figures are aligned: every line of the rows table is as wide as its
  // header (the last column, 已验收, is a figure or empty: trailing blanks go).
  const size_t start = t.find("单位");
  const std::string header = t.substr(start, t.find('\n', start) - start);
  const size_t market = t.find("market     (all)");
  ASSERT_NE(market, std::string::npos) << t;
  const std::string first = t.substr(market, t.find('\n', market) - market);
  EXPECT_EQ(DisplayWidth(first), DisplayWidth(header)) << t;
}

TEST(CampaignSummaryRenderTest, TableOfASummaryWithoutListsShowsTheirCounts) {
  v1::CampaignSummary s = Sample();
  s.clear_differences();
  s.clear_overdue();
  const std::string t = RenderCampaignSummaryTable(s);
  EXPECT_THAT(t, HasSubstr("\n评查分歧 (0)\n\n逾期未整改 (0)\n"));
  EXPECT_THAT(t, Not(HasSubstr("案件编号")));
}

TEST(CampaignSummaryRenderTest, HtmlEscapesAHostileNameAndIsSelfContained) {
  v1::CampaignSummary s = Sample("<script>alert('x')</script>评查");
  s.mutable_overdue(0)->set_subject("<img src=x onerror=alert(1)>");
  s.mutable_campaign()->mutable_criteria(0)->set_name("法律<b>适用</b>");
  const std::string h = RenderCampaignSummaryHtml(s);
  EXPECT_THAT(h, HasSubstr("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;评查"));
  EXPECT_THAT(h, Not(HasSubstr("<script")));
  EXPECT_THAT(h, Not(HasSubstr("<img")));
  EXPECT_THAT(h, Not(HasSubstr("<b>适用")));
  EXPECT_THAT(h, HasSubstr("&lt;img src=x onerror=alert(1)&gt;"));
  // Nothing outside the page: no link, no script, no external resource.
  EXPECT_THAT(h, Not(HasSubstr("http")));
  EXPECT_THAT(h, Not(HasSubstr("src=\"")));
  EXPECT_THAT(h, Not(HasSubstr("href")));
  EXPECT_THAT(h, Not(HasSubstr("@import")));
  EXPECT_THAT(h, Not(HasSubstr("url(")));
}

TEST(CampaignSummaryRenderTest, HtmlHasTheTitleChartsAndTables) {
  const std::string h = RenderCampaignSummaryHtml(Sample());
  EXPECT_THAT(h, HasSubstr("<title>专项行动总结报告 2024年上半年行政处罚案卷评查</title>"));
  EXPECT_THAT(h, HasSubstr("2024-01-01 至 2024-07-01 (不含)"));
  // Two inline SVG charts: the average score and the grades per agency.
  size_t svgs = 0;
  for (size_t at = h.find("<svg"); at != std::string::npos; at = h.find("<svg", at + 1)) ++svgs;
  EXPECT_EQ(svgs, 2u);
  EXPECT_THAT(h, HasSubstr("<title>market 平均分: 85.50</title>"));
  EXPECT_THAT(h, HasSubstr("<title>market 优秀: 1</title>"));
  EXPECT_THAT(h, HasSubstr("<title>market 合格: 1</title>"));
  // Agencies only in the charts: not the district row.
  EXPECT_THAT(h, Not(HasSubstr("<title>全区合计 ")));
  // The rows, the differences and the overdue notices.
  EXPECT_THAT(h, HasSubstr("<tr class=\"sum\"><td>全区合计</td>"));
  EXPECT_THAT(h, HasSubstr("<td class=\"n\">92.50</td>"));
  EXPECT_THAT(h, HasSubstr("<td>RN-1</td>"));
  EXPECT_THAT(h, HasSubstr("整改&quot;台账&quot;, 规范文书"));
  EXPECT_THAT(h, HasSubstr("</body></html>\n"));
}

}  // namespace
}  // namespace caselink::cli
