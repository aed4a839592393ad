// The columns and sections of the joint-meeting report as every output format
// shows them (terminal table, CSV, HTML): label, figure, whether it is an
// amount in fen, and the grids of cells. One place, so the formats cannot
// disagree. Also the Chinese labels of
// domains, workflow states and item kinds. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "caselink/v1/report.pb.h"
#include "report_format.h"

namespace caselink::cli {

struct ReportColumn {
  const char* label;  // Chinese header, e.g. "罚没金额(元)"
  int64_t (*get)(const v1::ReportFigures&);
  bool money = false;  // fen, shown as 元 with two decimals
};

// In report order: cases, forward transfers, reverse transfers, supervision.
const std::vector<ReportColumn>& ReportColumns();

// The figure as shown: "1,234.56" for money (fen -> 元), else the count.
std::string FormatFigure(const ReportColumn& col, const v1::ReportFigures& f);
// fen -> "1,234.56"
std::string FormatYuan(int64_t fen);

// The sections of the report as ReportGrids (report_format.h), the header
// row first; every format renders these, so they show the same columns.
// Agency x domain rows, each agency's subtotal (领域 "小计") and the district
// total (单位 "全区合计"); `with_agency_id` adds a first column 单位代码.
ReportGrid FigureGrid(const v1::JointMeetingReport& r, bool with_agency_id);
ReportGrid OverdueGrid(const v1::JointMeetingReport& r);
ReportGrid MajorGrid(const v1::JointMeetingReport& r);
// 未报送单位: the agencies that entered nothing in the period.
ReportGrid SilentGrid(const v1::JointMeetingReport& r);
// Screening hits the owners dismissed, with their reasons.
ReportGrid DismissedGrid(const v1::JointMeetingReport& r);
// 行政执法监督: every campaign's whole rows (WholeRowsGrid,
// campaign_summary_render.h) after its 专项行动编号, 专项行动 and 检查期间, in
// one grid; the header row even with no campaign.
ReportGrid CampaignsGrid(const v1::JointMeetingReport& r);
// 议定事项: 编号, 会议, 承办单位 (receiver_agency), 议定事项 (subject),
// 办结期限 (due_date), 状态, 逾期 ("是" / "否"), in the report's order
// (overdue first).
ReportGrid DecisionGrid(const v1::JointMeetingReport& r);
// The decision items' counts: 未办结议定事项, 逾期议定事项 (decisions_open,
// decisions_overdue), a header row and one row of figures.
ReportGrid DecisionCountsGrid(const v1::JointMeetingReport& r);

std::string DomainLabel(v1::Domain d);        // 市场秩序, … ; "(无案件)" for unspecified
std::string StateLabel(v1::WorkflowState s);  // 已移送, …; decision items: 已交办, …
std::string OverdueKindLabel(v1::OverdueItem::Kind k);
// "2024-03-09 00:00" in the report's time zone (JointMeetingReport.time_zone,
// the district's zone; "" is Asia/Shanghai).
std::string ReportTime(const google::protobuf::Timestamp& t, const std::string& zone);

}  // namespace caselink::cli
