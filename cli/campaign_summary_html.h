// The summary report of an enforcement-supervision campaign (专项行动总结报告)
// as one self-contained HTML page, like the joint-meeting report
// (report_html.h): inline CSS and inline SVG bar charts (report_format.h), no
// script, no font, no image, no link to anything outside the file; every text
// of the summary is HTML-escaped. Also a campaign's section for the
// joint-meeting report's page. Pure; thread-safe.
#pragma once

#include <string>

#include "caselink/v1/oversight.pb.h"

namespace caselink::cli {

// The title (campaign name and period), the district's headline figures, a
// chart of each agency's average score and one of its cases by grade (the
// whole rows), the rows as in the terminal table, the checklist, the review
// differences and the overdue notices.
std::string RenderCampaignSummaryHtml(const v1::CampaignSummary& s);

// A campaign's section inside another page (the joint-meeting report's
// 行政执法监督, report_html.h): an <h3> with its id, name and period
// (CampaignTitle), the facts line of the page above (period, organiser,
// inspected agencies), the same two charts, and the whole rows
// (WholeRowsGrid). No page head, no <html>: the caller's page holds it.
std::string CampaignSummarySection(const v1::CampaignSummary& s);

}  // namespace caselink::cli
