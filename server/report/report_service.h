// ReportService: the joint-meeting report (联席会议, proto/caselink/v1/
// report.proto, docs/reports.md). The handler streams over the latest case
// versions and the workflow items once, keeps what falls in the period and in
// the caller's rows (the policy's `rows` of the rules granting the RPC), and
// lets ReportTally add it up. Goes through ServeUnary like every RPC
// (admit -> handler -> filter -> log), so it is denied by default and logged.
#pragma once

#include "caselink/v1/report.grpc.pb.h"
#include "server/core/raw_service.h"
#include "server/core/service_context.h"

namespace caselink::server {

class ReportServiceImpl final : public RawService {
 public:
  // Registers caselink.v1.ReportService's method (raw_service.h).
  explicit ReportServiceImpl(const ServiceContext& sc);

 private:
  const ServiceContext& sc_;
};

// The report itself, for the handler and for benchmarks: `scope` is the
// admitted call (its rules decide which rows count).
absl::Status BuildJointMeetingReport(const ServiceContext& sc, const CallScope& scope,
                                     const v1::JointMeetingReportRequest& req,
                                     v1::JointMeetingReport* out);

}  // namespace caselink::server
