#include "report_html.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "campaign_summary_html.h"
#include "report_columns.h"
#include "report_format.h"

namespace caselink::cli {
namespace {

// One series of a figure, over the agencies.
ChartSeries Of(const v1::JointMeetingReport& r, const std::string& name, const std::string& color,
               int64_t (*get)(const v1::ReportFigures&)) {
  ChartSeries s{name, color, {}};
  for (const v1::AgencyTotal& t : r.agency_totals()) s.values.push_back(static_cast<double>(get(t.figures())));
  return s;
}

}  // namespace

std::string RenderReportHtml(const v1::JointMeetingReport& r) {
  const std::string title = absl::StrCat("联席会议报告 ", r.from_date(), " 至 ", r.to_date());
  std::string h = absl::StrCat(
      HtmlPageStart(title), "<p>统计期间 ", HtmlEscape(r.from_date()),
      " 至 ", HtmlEscape(r.to_date()), " (不含)，", HtmlEscape(r.time_zone()), "；统计时点 ",
      HtmlEscape(ReportTime(r.as_of(), r.time_zone())), "。</p>\n");
  // The district's headline figures.
  const v1::ReportFigures& t = r.total();
  absl::StrAppend(&h, "<p class=\"cards\">");
  for (const ReportColumn& c : ReportColumns()) {
    if (c.label == std::string("案件") || c.money || c.label == std::string("正向移送") ||
        c.label == std::string("反向衔接") || c.label == std::string("检察监督") ||
        c.label == std::string("重大案件")) {
      absl::StrAppend(&h, "<span>", HtmlEscape(c.label), " <b>", FormatFigure(c, t), "</b></span>");
    }
  }
  absl::StrAppend(&h, "</p>\n<h2>图表</h2>\n");
  std::vector<std::string> agencies;
  for (const v1::AgencyTotal& a : r.agency_totals()) agencies.push_back(a.agency_name());
  using F = v1::ReportFigures;
  absl::StrAppend(&h, SvgBarChart("行政处罚案件", agencies,
                                  {Of(r, "已决定", "#4e79a7", [](const F& f) { return f.cases_decided(); }),
                                   Of(r, "未决定", "#a0cbe8", [](const F& f) { return f.cases() - f.cases_decided(); })},
                                  true));
  absl::StrAppend(&h, SvgBarChart("罚没金额(元)", agencies,
                                  {Of(r, "罚没金额", "#f28e2b", [](const F& f) { return f.penalty_amount_fen(); })},
                                  false, FormatYuan));
  absl::StrAppend(&h, SvgBarChart("正向移送", agencies,
                                  {Of(r, "立案", "#59a14f", [](const F& f) { return f.forward_accepted(); }),
                                   Of(r, "不予立案", "#e15759", [](const F& f) { return f.forward_refused(); }),
                                   Of(r, "待决定", "#edc948", [](const F& f) { return f.forward_pending(); }),
                                   Of(r, "撤回", "#bab0ac", [](const F& f) { return f.forward_withdrawn(); })},
                                  true));
  absl::StrAppend(&h, SvgBarChart("反向衔接与检察监督", agencies,
                                  {Of(r, "反向衔接", "#76b7b2", [](const F& f) { return f.reverse_sent(); }),
                                   Of(r, "检察监督", "#4e79a7", [](const F& f) { return f.supervision_issued(); }),
                                   Of(r, "书面回复", "#59a14f", [](const F& f) { return f.supervision_answered(); }),
                                   Of(r, "逾期", "#e15759", [](const F& f) {
                                     return f.forward_overdue() + f.reverse_overdue() + f.supervision_overdue();
                                   })},
                                  false));
  // The figures and lists, as in the terminal table.
  absl::StrAppend(&h, "<h2>分单位、分领域统计</h2>\n", HtmlTable(FigureGrid(r, false), 2));
  absl::StrAppend(&h, "<h2>逾期事项 (", r.overdue_size(), ")</h2>\n");
  if (r.overdue_omitted() > 0) absl::StrAppend(&h, "<p>另有 ", r.overdue_omitted(), " 项未列出。</p>\n");
  absl::StrAppend(&h, HtmlTable(OverdueGrid(r), 10));
  absl::StrAppend(&h, "<h2>重大案件 (", r.major_cases_size(), ")</h2>\n");
  if (r.major_cases_omitted() > 0) absl::StrAppend(&h, "<p>另有 ", r.major_cases_omitted(), " 件未列出。</p>\n");
  absl::StrAppend(&h, HtmlTable(MajorGrid(r), 5));
  absl::StrAppend(&h, "<h2>未报送单位 (", r.agencies_without_entries_size(), ")</h2>\n", HtmlTable(SilentGrid(r), 2));
  absl::StrAppend(&h, "<h2>已排除的应移未移线索 (", r.dismissed_hits_size(), ")</h2>\n", HtmlTable(DismissedGrid(r), 6));
  // 行政执法监督: each campaign as the campaign summary's page shows it.
  absl::StrAppend(&h, "<h2>行政执法监督 (", r.campaigns_size(), ")</h2>\n");
  for (const v1::CampaignSummary& s : r.campaigns()) absl::StrAppend(&h, CampaignSummarySection(s));
  absl::StrAppend(&h, "<h2>议定事项 (", r.decisions_size(), ")</h2>\n<p class=\"cards\">");
  const ReportGrid counts = DecisionCountsGrid(r);
  for (size_t i = 0; i < counts[0].size(); ++i) {
    absl::StrAppend(&h, "<span>", HtmlEscape(counts[0][i]), " <b>", HtmlEscape(counts[1][i]), "</b></span>");
  }
  absl::StrAppend(&h, "</p>\n", HtmlTable(DecisionGrid(r), 7));
  absl::StrAppend(&h, "<p><small>caselink · 口径见 docs/reports.md</small></p>\n</body></html>\n");
  return h;
}

}  // namespace caselink::cli
