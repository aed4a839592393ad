// The joint meeting's follow-through in its report (MISSION.md 四(一)(二)):
// the decision items (议定事项) the caller may see that are still open (of any
// date) or were closed in the period, overdue first, with the open and
// overdue counts. Reads one snapshot; thread-safe.
#pragma once

#include "caselink/v1/report.pb.h"
#include "rocksdb/snapshot.h"
#include "server/core/call_guard.h"
#include "server/core/service_context.h"
#include "server/report/report_period.h"

namespace caselink::server {

absl::Status AddDecisionItems(const ServiceContext& sc, const CallScope& scope, const ReportPeriod& period,
                              const rocksdb::Snapshot* at, v1::JointMeetingReport* out);

}  // namespace caselink::server
