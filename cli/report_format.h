// The pieces every report renderer builds on (the joint-meeting report of
// report_render.h / report_html.h, the campaign summary of
// campaign_summary_render.h / campaign_summary_html.h): a section as a grid
// of cells, shown as an aligned terminal table, as CSV (RFC 4180) or as an
// HTML table; HTML escaping, the page head with its inline CSS, and inline
// SVG bar charts (no script, no font, no image, no link outside the page).
// Pure functions; thread-safe.
//
// Example:
//   ReportGrid g{{"单位", "案件"}, {"market", "3"}};
//   AlignedTable(g);                  // "单位    案件\nmarket     3\n"
//   CsvTable(g);                      // "单位,案件\r\nmarket,3\r\n"
//   HtmlPageStart("标题") + HtmlTable(g, 1) + SvgBarChart("案件", {"market"}, {{"案件", "#4e79a7", {3}}}, false);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace caselink::cli {

// A section of a report as rows of cells, the header row first; every
// format renders these, so they show the same columns.
using ReportGrid = std::vector<std::vector<std::string>>;

// Terminal columns a UTF-8 string takes (East Asian wide characters: 2).
int DisplayWidth(const std::string& s);

// `g` as lines of columns separated by two spaces, padded to the widest cell
// (by DisplayWidth); cells of the rows after the header that start with a
// digit or '-' are right-aligned, others left-aligned; no trailing blanks.
std::string AlignedTable(const ReportGrid& g);

// One CSV field: quoted (with "" for ") when it holds , " CR or LF.
std::string CsvField(const std::string& s);
// `g` as CSV lines ended by CRLF.
std::string CsvTable(const ReportGrid& g);

// Escapes & < > " ' for HTML text and attribute values.
std::string HtmlEscape(const std::string& s);

// `<!DOCTYPE html>` up to the page's `<h1>` (included), with the reports'
// inline style sheet; `title` (escaped) is the document title and the h1.
std::string HtmlPageStart(const std::string& title);

// `g` as an HTML table (first row: header, every cell escaped); cells from
// column `first_numeric` on are right-aligned figures; rows whose second cell
// is "小计" or first cell "全区合计" are bold (subtotals and totals).
std::string HtmlTable(const ReportGrid& g, size_t first_numeric);

struct ChartSeries {
  std::string name;
  std::string color;           // a CSS colour, e.g. "#4e79a7"
  std::vector<double> values;  // one per category
};

// How a bar's value is written: nullptr for a count ("12").
using ChartValueFormat = std::string (*)(int64_t);

// A horizontal bar chart as inline SVG in a <figure>: one group of bars per
// category (e.g. agency), scaled to the largest. `stacked`: the series add up
// to a whole (e.g. accepted + refused + pending = sent) and the total is
// written after the bar; otherwise they are drawn side by side, each with its
// value. Every text is escaped.
std::string SvgBarChart(const std::string& title, const std::vector<std::string>& categories,
                        const std::vector<ChartSeries>& series, bool stacked,
                        ChartValueFormat format = nullptr);

}  // namespace caselink::cli
