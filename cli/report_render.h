// The joint-meeting report as text: an aligned table for the terminal (CJK
// characters count two columns) and CSV (RFC 4180, UTF-8 with a BOM so Excel
// reads the Chinese headers) for spreadsheets. HTML is in report_html.h.
// Pure functions; thread-safe.
#pragma once

#include <string>

#include "caselink/v1/report.pb.h"
#include "report_format.h"  // DisplayWidth

namespace caselink::cli {

// Figures per agency and domain, agency subtotals, the district total, then
// the overdue items, the major cases, 未报送单位, the dismissed screening
// hits, 行政执法监督 (per campaign: a CampaignTitle line and its whole rows)
// and the 议定事项 (their counts, then the list).
std::string RenderReportTable(const v1::JointMeetingReport& r);

// Same content as the table, as CSV sections separated by a blank line:
// figures (单位代码, 单位, 领域, then every column; subtotal rows have 领域
// "小计", the district row 单位 "全区合计"), overdue items, major cases,
// 未报送单位, dismissed hits, campaigns (CampaignsGrid), the decision counts
// (DecisionCountsGrid), decision items (DecisionGrid); each section has its
// header row, even when empty.
std::string RenderReportCsv(const v1::JointMeetingReport& r);

}  // namespace caselink::cli
