#include "report_render.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "report_columns.h"

namespace caselink::cli {
namespace {

using Grid = std::vector<std::vector<std::string>>;

// The figure rows shared by the table and the CSV: agency x domain rows,
// each agency's subtotal, the district total.
Grid FigureGrid(const v1::JointMeetingReport& r, bool with_agency_id) {
  Grid g;
  std::vector<std::string> header;
  if (with_agency_id) header.push_back("单位代码");
  header.push_back("单位");
  header.push_back("领域");
  for (const ReportColumn& c : ReportColumns()) header.push_back(c.label);
  g.push_back(header);
  auto add = [&](const std::string& id, const std::string& name, const std::string& domain,
                 const v1::ReportFigures& f) {
    std::vector<std::string> row;
    if (with_agency_id) row.push_back(id);
    row.push_back(name);
    row.push_back(domain);
    for (const ReportColumn& c : ReportColumns()) row.push_back(FormatFigure(c, f));
    g.push_back(std::move(row));
  };
  for (const v1::AgencyTotal& t : r.agency_totals()) {
    for (const v1::ReportRow& row : r.rows()) {
      if (row.agency() == t.agency()) add(row.agency(), row.agency_name(), DomainLabel(row.domain()), row.figures());
    }
    add(t.agency(), t.agency_name(), "小计", t.figures());
  }
  add("", "全区合计", "", r.total());
  return g;
}

Grid OverdueGrid(const v1::JointMeetingReport& r) {
  Grid g{{"类别", "编号", "单位", "发送方", "接收方", "状态", "领域", "案件", "文书号", "期限", "逾期天数", "依据"}};
  for (const v1::OverdueItem& o : r.overdue()) {
    g.push_back({OverdueKindLabel(o.kind()), o.id(), o.agency(), o.sender_agency(), o.receiver_agency(),
                 StateLabel(o.state()), DomainLabel(o.domain()), o.case_id(), o.document_number(),
                 ShanghaiTime(o.deadline().due_time()), absl::StrCat(o.days_overdue()), o.deadline().rule()});
  }
  return g;
}

Grid MajorGrid(const v1::JointMeetingReport& r) {
  Grid g{{"案件编号", "单位", "领域", "案件名称", "决定日期", "罚没金额(元)"}};
  for (const v1::Case& c : r.major_cases()) {
    g.push_back({c.case_id(), c.owner_agency(), DomainLabel(c.domain()), c.title(),
                 c.penalty().decision_date(), FormatYuan(c.penalty().amount_fen())});
  }
  return g;
}

std::string Aligned(const Grid& g) {
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

std::string Csv(const Grid& g) {
  std::string out;
  for (const auto& row : g) {
    std::vector<std::string> cells;
    for (const std::string& c : row) cells.push_back(CsvField(c));
    absl::StrAppend(&out, absl::StrJoin(cells, ","), "\r\n");
  }
  return out;
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

std::string RenderReportTable(const v1::JointMeetingReport& r) {
  std::string out = absl::StrCat("联席会议报告 ", r.from_date(), " 至 ", r.to_date(), " (不含) · 统计时点 ",
                                 ShanghaiTime(r.as_of()), " ", r.time_zone(), "\n\n");
  absl::StrAppend(&out, Aligned(FigureGrid(r, false)));
  absl::StrAppend(&out, "\n逾期事项 (", r.overdue_size(), r.overdue_omitted() > 0 ? absl::StrCat(", 另有 ", r.overdue_omitted(), " 项未列出") : "", ")\n");
  if (r.overdue_size() > 0) absl::StrAppend(&out, Aligned(OverdueGrid(r)));
  absl::StrAppend(&out, "\n重大案件 (", r.major_cases_size(), r.major_cases_omitted() > 0 ? absl::StrCat(", 另有 ", r.major_cases_omitted(), " 件未列出") : "", ")\n");
  if (r.major_cases_size() > 0) absl::StrAppend(&out, Aligned(MajorGrid(r)));
  return out;
}

std::string RenderReportCsv(const v1::JointMeetingReport& r) {
  std::string out = "\xEF\xBB\xBF";  // BOM: Excel then reads UTF-8
  absl::StrAppend(&out, Csv(FigureGrid(r, true)), "\r\n", Csv(OverdueGrid(r)), "\r\n", Csv(MajorGrid(r)));
  return out;
}

}  // namespace caselink::cli
