// The summary report of an enforcement-supervision campaign (专项行动总结报告)
// as one self-contained HTML page, like the joint-meeting report
// (report_html.h): inline CSS and inline SVG bar charts (report_format.h), no
// script, no font, no image, no link to anything outside the file; every text
// of the summary is HTML-escaped. Pure; thread-safe.
#pragma once

#include <string>

#include "caselink/v1/oversight.pb.h"

namespace caselink::cli {

// The title (campaign name and period), the district's headline figures, a
// chart of each agency's average score and one of its cases by grade (the
// whole rows), the rows as in the terminal table, the checklist, the review
// differences and the overdue notices.
std::string RenderCampaignSummaryHtml(const v1::CampaignSummary& s);

}  // namespace caselink::cli
