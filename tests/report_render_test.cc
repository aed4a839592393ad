// The report renderers as units: amounts in 元 exactly, CJK column widths,
// CSV quoting, the 行政执法监督 and 议定事项 sections in every format, and an
// HTML page that escapes every text and references nothing outside itself.
#include "report_columns.h"
#include "report_html.h"
#include "report_render.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace caselink::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

v1::SummaryRow* AddSummaryRow(v1::CampaignSummary* s, const std::string& agency, const std::string& criterion) {
  v1::SummaryRow* row = s->add_rows();
  row->set_agency_id(agency);
  row->set_criterion_id(criterion);
  row->set_cases_sampled(3);
  row->set_cases_reviewed(2);
  row->set_average_centi(criterion.empty() ? 8550 : 9000);
  row->set_excellent(1);
  row->set_pass(1);
  row->set_findings(2);
  if (criterion.empty()) {
    row->set_notices(2);
    row->set_notices_open(1);
    row->set_notices_overdue(1);
    row->set_notices_accepted(1);
  }
  return row;
}

// One campaign (market's whole row, a criterion row the report leaves out,
// the district row) and two decision items: an overdue open one with a
// hostile subject, then one closed in the period.
void AddCampaignAndDecisions(v1::JointMeetingReport* r) {
  v1::CampaignSummary* s = r->add_campaigns();
  v1::Campaign* c = s->mutable_campaign();
  c->set_id("CP-1");
  c->set_name("一季度案卷评查");
  c->set_from_date("2024-01-01");
  c->set_to_date("2024-04-01");
  c->set_organizer_agency("justice");
  c->add_agencies("market");
  AddSummaryRow(s, "market", "");
  AddSummaryRow(s, "market", "law");
  AddSummaryRow(s, "", "");

  v1::DecisionItem* d = r->add_decisions();
  d->set_id("A20240305-0001");
  d->set_meeting_id("M20240305-0001");
  d->set_state(v1::STATE_ASSIGNED);
  d->set_sender_agency("government");
  d->set_receiver_agency("market");
  d->set_subject("<script>alert(2)</script>清理积案");
  d->set_due_date("2024-03-20");
  d->set_overdue(true);
  d = r->add_decisions();
  d->set_id("A20240305-0002");
  d->set_meeting_id("M20240305-0001");
  d->set_state(v1::STATE_CLOSED);
  d->set_sender_agency("government");
  d->set_receiver_agency("emergency");
  d->set_subject("通报整改, 按月报送");
  d->set_due_date("2024-03-29");
  r->set_decisions_open(1);
  r->set_decisions_overdue(1);
}

v1::JointMeetingReport Sample() {
  v1::JointMeetingReport r;
  r.set_from_date("2024-03-01");
  r.set_to_date("2024-04-01");
  r.set_time_zone("Asia/Shanghai");
  v1::ReportRow* row = r.add_rows();
  row->set_agency("market");
  row->set_agency_name("区市场监管局<script>alert(1)</script>");
  row->set_domain(v1::MARKET_ORDER);
  row->mutable_figures()->set_cases(3);
  row->mutable_figures()->set_penalty_amount_fen(123456789);
  row->mutable_figures()->set_forward_sent(2);
  row->mutable_figures()->set_forward_accepted(1);
  row->mutable_figures()->set_forward_pending(1);
  v1::AgencyTotal* t = r.add_agency_totals();
  t->set_agency("market");
  t->set_agency_name(row->agency_name());
  *t->mutable_figures() = row->figures();
  *r.mutable_total() = row->figures();
  v1::OverdueItem* o = r.add_overdue();
  o->set_id("T20240305-X");
  o->set_kind(v1::OverdueItem::FORWARD_TRANSFER);
  o->set_days_overdue(3);
  o->mutable_deadline()->set_rule("国务院令第310号 第八条");
  v1::Case* c = r.add_major_cases();
  c->set_case_id("C1");
  c->set_title("销售\"过期\"食品, 案");
  v1::AgencyTotal* silent = r.add_agencies_without_entries();
  silent->set_agency("town-a");
  silent->set_agency_name("某镇人民政府");
  v1::ScreeningHit* h = r.add_dismissed_hits();
  h->set_case_id("C2");
  h->set_owner_agency("hrss");
  h->set_offence("拒不支付劳动报酬罪");
  h->set_threshold("（一）");
  h->set_dismiss_reason("立案前已全额支付, 并赔偿");
  h->set_dismissed_by("hrss");
  r.set_late_entry_working_days(7);
  AddCampaignAndDecisions(&r);
  return r;
}

TEST(ReportColumnsTest, AmountsAreExactYuan) {
  EXPECT_EQ(FormatYuan(0), "0.00");
  EXPECT_EQ(FormatYuan(5), "0.05");
  EXPECT_EQ(FormatYuan(123456789), "1,234,567.89");
  EXPECT_EQ(FormatYuan(100000), "1,000.00");
  EXPECT_EQ(FormatYuan(-120050), "-1,200.50");
}

TEST(ReportRenderTest, TableAlignsChineseAsTwoColumns) {
  EXPECT_EQ(DisplayWidth("abc"), 3);
  EXPECT_EQ(DisplayWidth("案件"), 4);
  EXPECT_EQ(DisplayWidth("罚没金额(元)"), 12);
  EXPECT_EQ(DisplayWidth("（元）"), 6);
  const std::string t = RenderReportTable(Sample());
  EXPECT_THAT(t, HasSubstr("1,234,567.89"));
  EXPECT_THAT(t, HasSubstr("T20240305-X"));
  // Every line of the figures block is as wide as its header at most.
  size_t start = t.find("单位");
  ASSERT_NE(start, std::string::npos);
  const std::string header = t.substr(start, t.find('\n', start) - start);
  const std::string total_line = t.substr(t.find("全区合计"), t.find('\n', t.find("全区合计")) - t.find("全区合计"));
  EXPECT_EQ(DisplayWidth(total_line), DisplayWidth(header));  // the last column is a figure, right-aligned
}

TEST(ReportRenderTest, CsvQuotesAndHasABom) {
  const std::string csv = RenderReportCsv(Sample());
  EXPECT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_THAT(csv, HasSubstr("market,区市场监管局<script>alert(1)</script>,市场秩序,3,0,\"1,234,567.89\",0,2,1,0,1,0,0"));
  EXPECT_THAT(csv, HasSubstr("C1,,(无案件),\"销售\"\"过期\"\"食品, 案\""));
}

// 未报送单位 and the dismissed hits with their reasons appear in every form.
TEST(ReportRenderTest, SilentAgenciesAndDismissedHitsAreListed) {
  const std::string t = RenderReportTable(Sample());
  EXPECT_THAT(t, HasSubstr("未报送单位 (1)"));
  EXPECT_THAT(t, HasSubstr("某镇人民政府"));
  EXPECT_THAT(t, HasSubstr("已排除的应移未移线索 (1)"));
  EXPECT_THAT(t, HasSubstr("立案前已全额支付, 并赔偿"));
  EXPECT_THAT(t, HasSubstr("超过 7 个工作日"));
  const std::string csv = RenderReportCsv(Sample());
  EXPECT_THAT(csv, HasSubstr("town-a,某镇人民政府"));
  EXPECT_THAT(csv, HasSubstr("C2,hrss,拒不支付劳动报酬罪,（一）,\"立案前已全额支付, 并赔偿\",hrss"));
  const std::string html = RenderReportHtml(Sample());
  EXPECT_THAT(html, HasSubstr("未报送单位 (1)"));
  EXPECT_THAT(html, HasSubstr("立案前已全额支付, 并赔偿"));
}

// 行政执法监督 and 议定事项 close the CSV: the campaign's whole rows (not its
// criterion rows) under its id, name and period, the decision counts, then
// the items, overdue first; each section after a blank line.
TEST(ReportRenderTest, CsvEndsWithTheCampaignsAndTheDecisionItems) {
  const std::string csv = RenderReportCsv(Sample());
  const std::string want =
      "hrss\r\n"  // the last cell of the dismissed hits
      "\r\n"
      "专项行动编号,专项行动,检查期间,单位,抽查案件,已评查,平均分,优秀,合格,不合格,问题,整改中,逾期,已验收\r\n"
      "CP-1,一季度案卷评查,2024-01-01 至 2024-04-01 (不含),market,3,2,85.50,1,1,0,2,1,1,1\r\n"
      "CP-1,一季度案卷评查,2024-01-01 至 2024-04-01 (不含),全区合计,3,2,85.50,1,1,0,2,1,1,1\r\n"
      "\r\n"
      "未办结议定事项,逾期议定事项\r\n"
      "1,1\r\n"
      "\r\n"
      "编号,会议,承办单位,议定事项,办结期限,状态,逾期\r\n"
      "A20240305-0001,M20240305-0001,market,<script>alert(2)</script>清理积案,2024-03-20,已交办,是\r\n"
      "A20240305-0002,M20240305-0001,emergency,\"通报整改, 按月报送\",2024-03-29,已办结,否\r\n";
  ASSERT_GE(csv.size(), want.size());
  EXPECT_EQ(csv.substr(csv.size() - want.size()), want) << csv;
}

TEST(ReportRenderTest, CsvOfAReportWithoutCampaignsOrDecisionsKeepsTheirHeaders) {
  v1::JointMeetingReport r = Sample();
  r.clear_campaigns();
  r.clear_decisions();
  r.clear_decisions_open();
  r.clear_decisions_overdue();
  const std::string want =
      "\r\n"
      "专项行动编号,专项行动,检查期间,单位,抽查案件,已评查,平均分,优秀,合格,不合格,问题,整改中,逾期,已验收\r\n"
      "\r\n"
      "未办结议定事项,逾期议定事项\r\n"
      "0,0\r\n"
      "\r\n"
      "编号,会议,承办单位,议定事项,办结期限,状态,逾期\r\n";
  const std::string csv = RenderReportCsv(r);
  ASSERT_GE(csv.size(), want.size());
  EXPECT_EQ(csv.substr(csv.size() - want.size()), want) << csv;
}

TEST(ReportRenderTest, TableShowsTheCampaignsAndTheDecisionItems) {
  const std::string t = RenderReportTable(Sample());
  const std::string want =
      "\n行政执法监督 (1)\n"
      "CP-1 一季度案卷评查 2024-01-01 至 2024-04-01 (不含)\n"
      "单位      抽查案件  已评查  平均分  优秀  合格  不合格  问题  整改中  逾期  已验收\n"
      "market           3       2   85.50     1     1       0     2       1     1       1\n"
      "全区合计         3       2   85.50     1     1       0     2       1     1       1\n"
      "\n议定事项 (2, 未办结 1, 逾期 1)\n"
      "编号            会议            承办单位   议定事项                           办结期限    状态    逾期\n"
      "A20240305-0001  M20240305-0001  market     <script>alert(2)</script>清理积案  2024-03-20  已交办  是\n"
      "A20240305-0002  M20240305-0001  emergency  通报整改, 按月报送                 2024-03-29  已办结  否\n"
      "\n迟录: ";
  EXPECT_THAT(t, HasSubstr(want)) << t;
  // The criterion row is the campaign summary's, not the report's.
  EXPECT_THAT(t, Not(HasSubstr("law"))) << t;
}

TEST(ReportRenderTest, TableOfAReportWithoutCampaignsOrDecisionsShowsTheirCounts) {
  v1::JointMeetingReport r = Sample();
  r.clear_campaigns();
  r.clear_decisions();
  r.clear_decisions_open();
  r.clear_decisions_overdue();
  EXPECT_THAT(RenderReportTable(r), HasSubstr("\n行政执法监督 (0)\n\n议定事项 (0, 未办结 0, 逾期 0)\n\n迟录: "));
}

TEST(ReportHtmlTest, HasTheCampaignAndDecisionSectionsEscaped) {
  const std::string html = RenderReportHtml(Sample());
  EXPECT_THAT(html, HasSubstr("<h2>行政执法监督 (1)</h2>\n<h3>CP-1 一季度案卷评查 2024-01-01 至 2024-04-01 (不含)</h3>"));
  EXPECT_THAT(html, HasSubstr("<h2>议定事项 (2)</h2>"));
  EXPECT_THAT(html, HasSubstr("<span>未办结议定事项 <b>1</b></span><span>逾期议定事项 <b>1</b></span>"));
  // The campaign's charts (inline SVG, agencies only) and its whole rows.
  EXPECT_THAT(html, HasSubstr("<title>market 平均分: 85.50</title>"));
  EXPECT_THAT(html, HasSubstr("<title>market 优秀: 1</title>"));
  EXPECT_THAT(html, Not(HasSubstr("<title>全区合计 ")));
  EXPECT_THAT(html, HasSubstr("<tr><td>market</td><td class=\"n\">3</td>"));
  EXPECT_THAT(html, HasSubstr("<tr class=\"sum\"><td>全区合计</td>"));
  // One page: the campaign's section brings no second head.
  size_t pages = 0;
  for (size_t at = html.find("<html"); at != std::string::npos; at = html.find("<html", at + 1)) ++pages;
  EXPECT_EQ(pages, 1u);
  size_t bodies = 0;
  for (size_t at = html.find("<body"); at != std::string::npos; at = html.find("<body", at + 1)) ++bodies;
  EXPECT_EQ(bodies, 1u);
  // The decision items, the hostile subject escaped.
  EXPECT_THAT(html, HasSubstr("<td>A20240305-0001</td><td>M20240305-0001</td><td>market</td>"
                              "<td>&lt;script&gt;alert(2)&lt;/script&gt;清理积案</td><td>2024-03-20</td>"
                              "<td>已交办</td><td>是</td>"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("http")));
  // The new sections come after the existing ones, before the footer.
  EXPECT_LT(html.find("已排除的应移未移线索"), html.find("行政执法监督"));
  EXPECT_LT(html.find("行政执法监督"), html.find("<h2>议定事项"));
  EXPECT_LT(html.find("<h2>议定事项"), html.find("<small>caselink"));
}

TEST(ReportHtmlTest, EscapesEverythingAndReferencesNothingOutside) {
  const std::string html = RenderReportHtml(Sample());
  EXPECT_THAT(html, HasSubstr("<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("<svg"));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(html, HasSubstr("销售&quot;过期&quot;食品, 案"));
  for (const char* ref : {"http://", "https://", "<script", "src=", "@import", "url(", "<link"}) {
    EXPECT_THAT(html, Not(HasSubstr(ref))) << ref;
  }
}

}  // namespace
}  // namespace caselink::cli
