#include "report_render.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "report_columns.h"

namespace caselink::cli {
namespace {

std::string Aligned(const ReportGrid& g) {
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

std::string Csv(const ReportGrid& g) {
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
                                 ReportTime(r.as_of(), r.time_zone()), " ", r.time_zone(), "\n\n");
  absl::StrAppend(&out, Aligned(FigureGrid(r, false)));
  absl::StrAppend(&out, "\n逾期事项 (", r.overdue_size(), r.overdue_omitted() > 0 ? absl::StrCat(", 另有 ", r.overdue_omitted(), " 项未列出") : "", ")\n");
  if (r.overdue_size() > 0) absl::StrAppend(&out, Aligned(OverdueGrid(r)));
  absl::StrAppend(&out, "\n重大案件 (", r.major_cases_size(), r.major_cases_omitted() > 0 ? absl::StrCat(", 另有 ", r.major_cases_omitted(), " 件未列出") : "", ")\n");
  if (r.major_cases_size() > 0) absl::StrAppend(&out, Aligned(MajorGrid(r)));
  absl::StrAppend(&out, "\n未报送单位 (", r.agencies_without_entries_size(), ")\n");
  if (r.agencies_without_entries_size() > 0) absl::StrAppend(&out, Aligned(SilentGrid(r)));
  absl::StrAppend(&out, "\n已排除的应移未移线索 (", r.dismissed_hits_size(), ")\n");
  if (r.dismissed_hits_size() > 0) absl::StrAppend(&out, Aligned(DismissedGrid(r)));
  absl::StrAppend(&out, "\n迟录: 处罚决定（无决定时立案）后超过 ", r.late_entry_working_days(), " 个工作日首次录入\n");
  return out;
}

std::string RenderReportCsv(const v1::JointMeetingReport& r) {
  std::string out = "\xEF\xBB\xBF";  // BOM: Excel then reads UTF-8
  absl::StrAppend(&out, Csv(FigureGrid(r, true)), "\r\n", Csv(OverdueGrid(r)), "\r\n", Csv(MajorGrid(r)), "\r\n",
                  Csv(SilentGrid(r)), "\r\n", Csv(DismissedGrid(r)));
  return out;
}

}  // namespace caselink::cli
