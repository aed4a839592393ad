// The summary report of an enforcement-supervision campaign (专项行动总结报告,
// oversight.proto CampaignSummary) as text: an aligned table for the terminal
// and CSV (RFC 4180, UTF-8 with a BOM so Excel reads the Chinese headers),
// built on report_format.h like the joint-meeting report. The grids below are
// the sections every format shows (campaign_summary_html.h renders them as
// HTML). Pure functions; thread-safe.
//
// Example:
//   absl::StatusOr<v1::CampaignSummary> s = client->GetCampaignSummary(req);
//   std::string csv = RenderCampaignSummaryCsv(*s);
#pragma once

#include <cstdint>
#include <string>

#include "caselink/v1/oversight.pb.h"
#include "report_format.h"

namespace caselink::cli {

// The title line, the rows, then the review differences and the overdue
// notices (each section with its count; its table when not empty).
std::string RenderCampaignSummaryTable(const v1::CampaignSummary& s);

// The same sections as CSV tables separated by a blank line: rows,
// differences, overdue notices (each with its header row, even when empty).
std::string RenderCampaignSummaryCsv(const v1::CampaignSummary& s);

// One row per SummaryRow, in the summary's order: 单位 (the agency id;
// "全区合计" for the district row), 评查项目 (the criterion id; "(all)" for the
// whole), 抽查案件, 已评查, 平均分 (points, 2 decimals; empty when no case was
// reviewed), 优秀, 合格, 不合格, 问题, then the notices — 整改通知, 整改中,
// 逾期, 已验收 — on the whole rows only (empty on criterion rows).
ReportGrid SummaryRowsGrid(const v1::CampaignSummary& s);

// The whole rows of SummaryRowsGrid (criterion ""): each agency's, then the
// district's (全区合计), in the summary's order, with its columns but
// 评查项目 and 整改通知: 单位, 抽查案件, 已评查, 平均分, 优秀, 合格, 不合格,
// 问题, 整改中, 逾期, 已验收. What the joint-meeting report shows of a
// campaign (report_columns.h CampaignsGrid, report_html.h).
ReportGrid WholeRowsGrid(const v1::CampaignSummary& s);

// One row per review of each difference: 案件编号, 被检查单位, 评查单位, 等次,
// 版本, 总分, 问题 (how many findings).
ReportGrid ReviewDifferencesGrid(const v1::CampaignSummary& s);

// One row per overdue notice: 编号, 被检查单位, 案件 (space-separated), 文书号,
// 整改期限, 状态, 整改事项.
ReportGrid OverdueNoticesGrid(const v1::CampaignSummary& s);

// Hundredths of a point as points: 8550 -> "85.50", 5 -> "0.05", -5 -> "-0.05".
std::string FormatCenti(int64_t centi);

// GRADE_EXCELLENT -> "优秀", GRADE_PASS -> "合格", GRADE_FAIL -> "不合格", else "".
std::string GradeLabel(v1::Grade g);

// The state of a rectification notice: 待整改, 已报告整改, 已验收, ...
std::string RectificationStateLabel(v1::WorkflowState s);

// "" (the district row) -> "全区合计"; else the agency id.
std::string SummaryAgencyLabel(const std::string& agency_id);

// "2024-04-01 至 2024-07-01 (不含)": the campaign's period.
std::string CampaignPeriod(const v1::Campaign& c);

// "CP-1 2024年上半年案卷评查 2024-01-01 至 2024-07-01 (不含)": id, name and
// period, the line a campaign's rows are under in the joint-meeting report.
std::string CampaignTitle(const v1::Campaign& c);

}  // namespace caselink::cli
