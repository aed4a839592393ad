// The joint-meeting report as one self-contained HTML page a district
// official can open offline: inline CSS and inline SVG bar charts, no script,
// no font, no image, no link to anything outside the file. Every text from
// the report is HTML-escaped. Pure; thread-safe.
#pragma once

#include <string>

#include "caselink/v1/report.pb.h"
#include "report_format.h"  // HtmlEscape

namespace caselink::cli {

std::string RenderReportHtml(const v1::JointMeetingReport& r);

}  // namespace caselink::cli
