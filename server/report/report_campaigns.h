// The justice bureau's part of the joint-meeting report (行政执法监督, MISSION.md
// 四(一)): the summary of every campaign the caller may see whose period
// overlaps the report's, as OversightService.GetCampaignSummary shows it to
// the same caller. Thread-safe.
#pragma once

#include "caselink/v1/report.pb.h"
#include "server/core/call_guard.h"
#include "server/core/service_context.h"
#include "server/report/report_period.h"

namespace caselink::server {

absl::Status AddCampaignSummaries(const ServiceContext& sc, const CallScope& scope, const ReportPeriod& period,
                                  v1::JointMeetingReport* out);

}  // namespace caselink::server
