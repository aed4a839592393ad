// The report renderers as units: amounts in 元 exactly, CJK column widths,
// CSV quoting, and an HTML page that escapes every text and references
// nothing outside itself.
#include "report_columns.h"
#include "report_html.h"
#include "report_render.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace caselink::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

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
