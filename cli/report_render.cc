#include "report_render.h"

#include "absl/strings/str_cat.h"
#include "campaign_summary_render.h"
#include "report_columns.h"
#include "report_format.h"

namespace caselink::cli {

std::string RenderReportTable(const v1::JointMeetingReport& r) {
  std::string out = absl::StrCat("联席会议报告 ", r.from_date(), " 至 ", r.to_date(), " (不含) · 统计时点 ",
                                 ReportTime(r.as_of(), r.time_zone()), " ", r.time_zone(), "\n\n");
  absl::StrAppend(&out, AlignedTable(FigureGrid(r, false)));
  absl::StrAppend(&out, "\n逾期事项 (", r.overdue_size(), r.overdue_omitted() > 0 ? absl::StrCat(", 另有 ", r.overdue_omitted(), " 项未列出") : "", ")\n");
  if (r.overdue_size() > 0) absl::StrAppend(&out, AlignedTable(OverdueGrid(r)));
  absl::StrAppend(&out, "\n重大案件 (", r.major_cases_size(), r.major_cases_omitted() > 0 ? absl::StrCat(", 另有 ", r.major_cases_omitted(), " 件未列出") : "", ")\n");
  if (r.major_cases_size() > 0) absl::StrAppend(&out, AlignedTable(MajorGrid(r)));
  absl::StrAppend(&out, "\n未报送单位 (", r.agencies_without_entries_size(), ")\n");
  if (r.agencies_without_entries_size() > 0) absl::StrAppend(&out, AlignedTable(SilentGrid(r)));
  absl::StrAppend(&out, "\n已排除的应移未移线索 (", r.dismissed_hits_size(), ")\n");
  if (r.dismissed_hits_size() > 0) absl::StrAppend(&out, AlignedTable(DismissedGrid(r)));
  absl::StrAppend(&out, "\n行政执法监督 (", r.campaigns_size(), ")\n");
  for (int i = 0; i < r.campaigns_size(); ++i) {
    const v1::CampaignSummary& s = r.campaigns(i);
    absl::StrAppend(&out, i > 0 ? "\n" : "", CampaignTitle(s.campaign()), "\n", AlignedTable(WholeRowsGrid(s)));
  }
  absl::StrAppend(&out, "\n议定事项 (", r.decisions_size(), ", 未办结 ", r.decisions_open(), ", 逾期 ",
                  r.decisions_overdue(), ")\n");
  if (r.decisions_size() > 0) absl::StrAppend(&out, AlignedTable(DecisionGrid(r)));
  absl::StrAppend(&out, "\n迟录: 处罚决定（无决定时立案）后超过 ", r.late_entry_working_days(), " 个工作日首次录入\n");
  return out;
}

std::string RenderReportCsv(const v1::JointMeetingReport& r) {
  std::string out = "\xEF\xBB\xBF";  // BOM: Excel then reads UTF-8
  absl::StrAppend(&out, CsvTable(FigureGrid(r, true)), "\r\n", CsvTable(OverdueGrid(r)), "\r\n",
                  CsvTable(MajorGrid(r)), "\r\n", CsvTable(SilentGrid(r)), "\r\n", CsvTable(DismissedGrid(r)), "\r\n",
                  CsvTable(CampaignsGrid(r)), "\r\n", CsvTable(DecisionCountsGrid(r)), "\r\n",
                  CsvTable(DecisionGrid(r)));
  return out;
}

}  // namespace caselink::cli
