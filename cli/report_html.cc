#include "report_html.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "report_columns.h"

namespace caselink::cli {
namespace {

struct Series {
  std::string name;
  std::string color;
  std::vector<double> values;  // one per category
};

// A horizontal bar chart as inline SVG: one group of bars per category
// (agency). `stacked`: the series add up to a whole (e.g. accepted + refused
// + pending = sent); otherwise they are drawn side by side.
std::string BarChart(const std::string& title, const std::vector<std::string>& categories,
                     const std::vector<Series>& series, bool stacked, bool money) {
  const int label_w = 150, plot_w = 460, bar_h = 14, gap = 10;
  const int per_cat = stacked ? bar_h : bar_h * static_cast<int>(series.size());
  const int height = 40 + static_cast<int>(categories.size()) * (per_cat + gap) + 24;
  double max = 0;
  for (size_t c = 0; c < categories.size(); ++c) {
    double sum = 0;
    for (const Series& s : series) {
      sum = stacked ? sum + s.values[c] : std::max(sum, s.values[c]);
    }
    max = std::max(max, sum);
  }
  if (max <= 0) max = 1;
  std::string svg = absl::StrFormat(
      "<figure><svg role=\"img\" width=\"%d\" height=\"%d\" "
      "viewBox=\"0 0 %d %d\"><title>%s</title>",
      label_w + plot_w + 80, height, label_w + plot_w + 80, height, HtmlEscape(title));
  absl::StrAppendFormat(&svg, "<text x=\"0\" y=\"16\" class=\"t\">%s</text>", HtmlEscape(title));
  // Legend.
  int lx = label_w;
  for (const Series& s : series) {
    absl::StrAppendFormat(&svg, "<rect x=\"%d\" y=\"24\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                                "<text x=\"%d\" y=\"33\">%s</text>",
                          lx, s.color, lx + 14, HtmlEscape(s.name));
    lx += 14 + 13 * static_cast<int>(s.name.size() / 3 + 1) + 16;
  }
  int y = 44;
  for (size_t c = 0; c < categories.size(); ++c) {
    absl::StrAppendFormat(&svg, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", label_w - 6,
                          y + per_cat / 2 + 4, HtmlEscape(categories[c]));
    double x = label_w, total = 0;
    for (size_t k = 0; k < series.size(); ++k) {
      const double v = series[k].values[c];
      const double w = plot_w * v / max;
      const int by = stacked ? y : y + static_cast<int>(k) * bar_h;
      const std::string shown = money ? FormatYuan(static_cast<int64_t>(v)) : absl::StrCat(static_cast<int64_t>(v));
      absl::StrAppendFormat(&svg, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
                                  "<title>%s %s: %s</title></rect>",
                            x, by, w, bar_h - 2, series[k].color, HtmlEscape(categories[c]),
                            HtmlEscape(series[k].name), shown);
      if (stacked) {
        x += w;
        total += v;
      } else {
        absl::StrAppendFormat(&svg, "<text x=\"%.1f\" y=\"%d\" class=\"v\">%s</text>", label_w + w + 4,
                              by + bar_h - 4, shown);
      }
    }
    if (stacked) {
      absl::StrAppendFormat(&svg, "<text x=\"%.1f\" y=\"%d\" class=\"v\">%s</text>", x + 4, y + bar_h - 4,
                            money ? FormatYuan(static_cast<int64_t>(total)) : absl::StrCat(static_cast<int64_t>(total)));
    }
    y += per_cat + gap;
  }
  absl::StrAppend(&svg, "</svg></figure>\n");
  return svg;
}

// One series of a figure, over the agencies.
Series Of(const v1::JointMeetingReport& r, const std::string& name, const std::string& color,
          int64_t (*get)(const v1::ReportFigures&)) {
  Series s{name, color, {}};
  for (const v1::AgencyTotal& t : r.agency_totals()) s.values.push_back(static_cast<double>(get(t.figures())));
  return s;
}

// `g` as an HTML table (first row: header); cells from column
// `first_numeric` on are right-aligned figures; subtotal and total rows bold.
std::string Table(const ReportGrid& g, size_t first_numeric) {
  std::string out = "<table><thead><tr>";
  for (const std::string& h : g.front()) absl::StrAppend(&out, "<th>", HtmlEscape(h), "</th>");
  absl::StrAppend(&out, "</tr></thead><tbody>\n");
  for (size_t r = 1; r < g.size(); ++r) {
    const auto& row = g[r];
    const bool total = row.size() > 1 && (row[1] == "小计" || row[0] == "全区合计");
    absl::StrAppend(&out, total ? "<tr class=\"sum\">" : "<tr>");
    for (size_t i = 0; i < row.size(); ++i) {
      absl::StrAppend(&out, i >= first_numeric ? "<td class=\"n\">" : "<td>", HtmlEscape(row[i]), "</td>");
    }
    absl::StrAppend(&out, "</tr>\n");
  }
  absl::StrAppend(&out, "</tbody></table>\n");
  return out;
}

}  // namespace

std::string HtmlEscape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string RenderReportHtml(const v1::JointMeetingReport& r) {
  const std::string title = absl::StrCat("联席会议报告 ", r.from_date(), " 至 ", r.to_date());
  std::string h = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width\"><title>", HtmlEscape(title), "</title>\n"
      "<style>body{font-family:sans-serif;margin:2em;color:#222}"
      "table{border-collapse:collapse;margin:1em 0;font-size:13px}"
      "th,td{border:1px solid #bbb;padding:3px 6px}th{background:#eef}"
      "td.n{text-align:right}tr.sum td{font-weight:bold;background:#f6f6f6}"
      "svg text{font-size:12px}svg text.t{font-size:14px;font-weight:bold}svg text.v{fill:#333}"
      "figure{margin:1em 0}.cards span{display:inline-block;border:1px solid #bbb;padding:.5em 1em;margin:0 .5em .5em 0}"
      "</style></head><body>\n<h1>", HtmlEscape(title), "</h1>\n<p>统计期间 ", HtmlEscape(r.from_date()),
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
  absl::StrAppend(&h, BarChart("行政处罚案件", agencies,
                               {Of(r, "已决定", "#4e79a7", [](const F& f) { return f.cases_decided(); }),
                                Of(r, "未决定", "#a0cbe8", [](const F& f) { return f.cases() - f.cases_decided(); })},
                               true, false));
  absl::StrAppend(&h, BarChart("罚没金额(元)", agencies,
                               {Of(r, "罚没金额", "#f28e2b", [](const F& f) { return f.penalty_amount_fen(); })},
                               false, true));
  absl::StrAppend(&h, BarChart("正向移送", agencies,
                               {Of(r, "立案", "#59a14f", [](const F& f) { return f.forward_accepted(); }),
                                Of(r, "不予立案", "#e15759", [](const F& f) { return f.forward_refused(); }),
                                Of(r, "待决定", "#edc948", [](const F& f) { return f.forward_pending(); }),
                                Of(r, "撤回", "#bab0ac", [](const F& f) { return f.forward_withdrawn(); })},
                               true, false));
  absl::StrAppend(&h, BarChart("反向衔接与检察监督", agencies,
                               {Of(r, "反向衔接", "#76b7b2", [](const F& f) { return f.reverse_sent(); }),
                                Of(r, "检察监督", "#4e79a7", [](const F& f) { return f.supervision_issued(); }),
                                Of(r, "书面回复", "#59a14f", [](const F& f) { return f.supervision_answered(); }),
                                Of(r, "逾期", "#e15759", [](const F& f) {
                                  return f.forward_overdue() + f.reverse_overdue() + f.supervision_overdue();
                                })},
                               false, false));
  // The figures and lists, as in the terminal table.
  absl::StrAppend(&h, "<h2>分单位、分领域统计</h2>\n", Table(FigureGrid(r, false), 2));
  absl::StrAppend(&h, "<h2>逾期事项 (", r.overdue_size(), ")</h2>\n");
  if (r.overdue_omitted() > 0) absl::StrAppend(&h, "<p>另有 ", r.overdue_omitted(), " 项未列出。</p>\n");
  absl::StrAppend(&h, Table(OverdueGrid(r), 10));
  absl::StrAppend(&h, "<h2>重大案件 (", r.major_cases_size(), ")</h2>\n");
  if (r.major_cases_omitted() > 0) absl::StrAppend(&h, "<p>另有 ", r.major_cases_omitted(), " 件未列出。</p>\n");
  absl::StrAppend(&h, Table(MajorGrid(r), 5));
  absl::StrAppend(&h, "<h2>未报送单位 (", r.agencies_without_entries_size(), ")</h2>\n", Table(SilentGrid(r), 2));
  absl::StrAppend(&h, "<h2>已排除的应移未移线索 (", r.dismissed_hits_size(), ")</h2>\n", Table(DismissedGrid(r), 6));
  absl::StrAppend(&h, "<p><small>caselink · 口径见 docs/reports.md</small></p>\n</body></html>\n");
  return h;
}

}  // namespace caselink::cli
