#include "campaign_summary_html.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "campaign_summary_render.h"
#include "report_columns.h"
#include "report_format.h"

namespace caselink::cli {
namespace {

// The agencies' whole rows (criterion ""), in the summary's order; the
// district row is not one of them.
std::vector<const v1::SummaryRow*> AgencyRows(const v1::CampaignSummary& s) {
  std::vector<const v1::SummaryRow*> rows;
  for (const v1::SummaryRow& r : s.rows()) {
    if (!r.agency_id().empty() && r.criterion_id().empty()) rows.push_back(&r);
  }
  return rows;
}

ChartSeries Of(const std::vector<const v1::SummaryRow*>& rows, const std::string& name, const std::string& color,
               int64_t (*get)(const v1::SummaryRow&)) {
  ChartSeries series{name, color, {}};
  for (const v1::SummaryRow* r : rows) series.values.push_back(static_cast<double>(get(*r)));
  return series;
}

ReportGrid ChecklistGrid(const v1::Campaign& c) {
  ReportGrid g{{"代码", "评查项目", "权重", "满分"}};
  for (const v1::Criterion& k : c.criteria()) {
    g.push_back({k.id(), k.name(), absl::StrCat(k.weight()), absl::StrCat(k.max_score())});
  }
  return g;
}

std::string Headline(const v1::CampaignSummary& s) {
  for (const v1::SummaryRow& r : s.rows()) {
    if (!r.agency_id().empty() || !r.criterion_id().empty()) continue;
    return absl::StrCat("<p class=\"cards\"><span>抽查案件 <b>", r.cases_sampled(), "</b></span><span>已评查 <b>",
                        r.cases_reviewed(), "</b></span><span>平均分 <b>",
                        r.cases_reviewed() > 0 ? FormatCenti(r.average_centi()) : "-",
                        "</b></span><span>不合格 <b>", r.fail(), "</b></span><span>问题 <b>", r.findings(),
                        "</b></span><span>整改通知 <b>", r.notices(), "</b></span><span>逾期 <b>",
                        r.notices_overdue(), "</b></span></p>\n");
  }
  return "";
}

// "<p>检查期间 …；组织单位 …；被检查单位 …；生成时点 …。</p>".
std::string Facts(const v1::CampaignSummary& s) {
  const v1::Campaign& c = s.campaign();
  std::string h = absl::StrCat("<p>检查期间 ", HtmlEscape(CampaignPeriod(c)));
  if (!c.organizer_agency().empty()) absl::StrAppend(&h, "；组织单位 ", HtmlEscape(c.organizer_agency()));
  if (c.agencies_size() > 0) absl::StrAppend(&h, "；被检查单位 ", HtmlEscape(absl::StrJoin(c.agencies(), "、")));
  if (s.has_generate_time()) absl::StrAppend(&h, "；生成时点 ", HtmlEscape(ReportTime(s.generate_time(), "")));
  absl::StrAppend(&h, "。</p>\n");
  return h;
}

// The two charts over the agencies' whole rows: average score, cases by grade.
std::string Charts(const v1::CampaignSummary& s) {
  const std::vector<const v1::SummaryRow*> rows = AgencyRows(s);
  std::vector<std::string> agencies;
  for (const v1::SummaryRow* r : rows) agencies.push_back(r->agency_id());
  using R = v1::SummaryRow;
  return absl::StrCat(SvgBarChart("平均分", agencies,
                                  {Of(rows, "平均分", "#4e79a7",
                                      [](const R& r) -> int64_t { return r.average_centi(); })},
                                  false, FormatCenti),
                      SvgBarChart("评查等次（案件数）", agencies,
                                  {Of(rows, "优秀", "#59a14f", [](const R& r) { return r.excellent(); }),
                                   Of(rows, "合格", "#edc948", [](const R& r) { return r.pass(); }),
                                   Of(rows, "不合格", "#e15759", [](const R& r) { return r.fail(); })},
                                  true));
}

}  // namespace

std::string CampaignSummarySection(const v1::CampaignSummary& s) {
  return absl::StrCat("<h3>", HtmlEscape(CampaignTitle(s.campaign())), "</h3>\n", Facts(s), Charts(s),
                      HtmlTable(WholeRowsGrid(s), 1));
}

std::string RenderCampaignSummaryHtml(const v1::CampaignSummary& s) {
  const v1::Campaign& c = s.campaign();
  const std::string title = absl::StrCat("专项行动总结报告 ", c.name());
  std::string h = absl::StrCat(HtmlPageStart(title), Facts(s), Headline(s), "<h2>图表</h2>\n", Charts(s));
  absl::StrAppend(&h, "<h2>分单位、分评查项目统计</h2>\n", HtmlTable(SummaryRowsGrid(s), 2));
  absl::StrAppend(&h, "<h2>评查标准</h2>\n", HtmlTable(ChecklistGrid(c), 2));
  if (c.has_grades()) {
    absl::StrAppend(&h, "<p>等次：总分 ≥ ", c.grades().excellent_min(), " 为优秀，≥ ", c.grades().pass_min(),
                    " 为合格，其余为不合格。</p>\n");
  }
  absl::StrAppend(&h, "<h2>评查分歧 (", s.differences_size(), ")</h2>\n", HtmlTable(ReviewDifferencesGrid(s), 4));
  absl::StrAppend(&h, "<h2>逾期未整改 (", s.overdue_size(), ")</h2>\n", HtmlTable(OverdueNoticesGrid(s), 7));
  absl::StrAppend(&h, "<p><small>caselink · 专项行动总结报告</small></p>\n</body></html>\n");
  return h;
}

}  // namespace caselink::cli
