#include "report_format.h"

#include <algorithm>
#include <cctype>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace caselink::cli {
namespace {

std::string Shown(ChartValueFormat format, double v) {
  return format != nullptr ? format(static_cast<int64_t>(v)) : absl::StrCat(static_cast<int64_t>(v));
}

}  // namespace

int DisplayWidth(const std::string& s) {
  int w = 0;
  for (size_t i = 0; i < s.size();) {
    const unsigned char b = s[i];
    uint32_t cp = b;
    int len = 1;
    if (b >= 0xF0) { len = 4; cp = b & 0x07; }
    else if (b >= 0xE0) { len = 3; cp = b & 0x0F; }
    else if (b >= 0xC0) { len = 2; cp = b & 0x1F; }
    for (int k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
    i += len;
    // CJK, Hangul, full-width forms: two columns on a terminal.
    w += (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                 (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                 (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                 (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD)
             ? 2
             : 1;
  }
  return w;
}

std::string AlignedTable(const ReportGrid& g) {
  std::vector<int> width;
  for (const auto& row : g) {
    if (width.size() < row.size()) width.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], DisplayWidth(row[i]));
  }
  std::string out;
  for (size_t r = 0; r < g.size(); ++r) {
    std::string line;
    for (size_t i = 0; i < g[r].size(); ++i) {
      // Text columns left, figures right: a cell that starts with a digit.
      const std::string& cell = g[r][i];
      const std::string pad(width[i] - DisplayWidth(cell), ' ');
      const bool numeric = r > 0 && !cell.empty() && (isdigit(static_cast<unsigned char>(cell[0])) || cell[0] == '-');
      absl::StrAppend(&line, i == 0 ? "" : "  ", numeric ? pad + cell : cell + pad);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    absl::StrAppend(&out, line, "\n");
  }
  return out;
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  return absl::StrCat("\"", absl::StrReplaceAll(s, {{"\"", "\"\""}}), "\"");
}

std::string CsvTable(const ReportGrid& g) {
  std::string out;
  for (const auto& row : g) {
    std::vector<std::string> cells;
    for (const std::string& c : row) cells.push_back(CsvField(c));
    absl::StrAppend(&out, absl::StrJoin(cells, ","), "\r\n");
  }
  return out;
}

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

std::string HtmlPageStart(const std::string& title) {
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width\"><title>", HtmlEscape(title), "</title>\n"
      "<style>body{font-family:sans-serif;margin:2em;color:#222}"
      "table{border-collapse:collapse;margin:1em 0;font-size:13px}"
      "th,td{border:1px solid #bbb;padding:3px 6px}th{background:#eef}"
      "td.n{text-align:right}tr.sum td{font-weight:bold;background:#f6f6f6}"
      "svg text{font-size:12px}svg text.t{font-size:14px;font-weight:bold}svg text.v{fill:#333}"
      "figure{margin:1em 0}.cards span{display:inline-block;border:1px solid #bbb;padding:.5em 1em;margin:0 .5em .5em 0}"
      "</style></head><body>\n<h1>", HtmlEscape(title), "</h1>\n");
}

std::string HtmlTable(const ReportGrid& g, size_t first_numeric) {
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

std::string SvgBarChart(const std::string& title, const std::vector<std::string>& categories,
                        const std::vector<ChartSeries>& series, bool stacked, ChartValueFormat format) {
  const int label_w = 150, plot_w = 460, bar_h = 14, gap = 10;
  const int per_cat = stacked ? bar_h : bar_h * static_cast<int>(series.size());
  const int height = 40 + static_cast<int>(categories.size()) * (per_cat + gap) + 24;
  double max = 0;
  for (size_t c = 0; c < categories.size(); ++c) {
    double sum = 0;
    for (const ChartSeries& s : series) {
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
  for (const ChartSeries& s : series) {
    absl::StrAppendFormat(&svg, "<rect x=\"%d\" y=\"24\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                                "<text x=\"%d\" y=\"33\">%s</text>",
                          lx, HtmlEscape(s.color), lx + 14, HtmlEscape(s.name));
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
      const std::string shown = Shown(format, v);
      absl::StrAppendFormat(&svg, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
                                  "<title>%s %s: %s</title></rect>",
                            x, by, w, bar_h - 2, HtmlEscape(series[k].color), HtmlEscape(categories[c]),
                            HtmlEscape(series[k].name), HtmlEscape(shown));
      if (stacked) {
        x += w;
        total += v;
      } else {
        absl::StrAppendFormat(&svg, "<text x=\"%.1f\" y=\"%d\" class=\"v\">%s</text>", label_w + w + 4,
                              by + bar_h - 4, HtmlEscape(shown));
      }
    }
    if (stacked) {
      absl::StrAppendFormat(&svg, "<text x=\"%.1f\" y=\"%d\" class=\"v\">%s</text>", x + 4, y + bar_h - 4,
                            HtmlEscape(Shown(format, total)));
    }
    y += per_cat + gap;
  }
  absl::StrAppend(&svg, "</svg></figure>\n");
  return svg;
}

}  // namespace caselink::cli
