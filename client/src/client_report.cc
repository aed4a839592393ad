// Client method of ReportService: one line through the generic UnaryCall
// (a read, so retried on UNAVAILABLE like every read).
#include "caselink/client.h"
#include "client_impl.h"
#include "unary_call.h"

namespace caselink {

absl::StatusOr<v1::JointMeetingReport> Client::GetJointMeetingReport(
    const v1::JointMeetingReportRequest& request) {
  return client_internal::UnaryCall(*impl_->reports, &v1::ReportService::Stub::GetJointMeetingReport,
                                    request, options_.deadline);
}

}  // namespace caselink
