// The summary report of a campaign (专项行动总结报告, CampaignSummary) as the
// caller may see it: the organiser, the team and the government get every
// row; an inspected agency its own rows, the district rows only where at
// least two other inspected agencies have reviewed cases (else the district
// less its own would be one other agency's figures), and only the
// differences and overdue notices of its own cases. Callable outside
// OversightService (the joint-meeting report). Thread-safe.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "caselink/v1/oversight.pb.h"
#include "server/core/call_guard.h"
#include "server/core/service_context.h"
#include "storage/oversight_store.h"

namespace caselink::server {

// NOT_FOUND if there is no such campaign or the caller may not see it. The
// case ids the summary names are added to the call's access record.
absl::StatusOr<v1::CampaignSummary> BuildCampaignSummary(const ServiceContext& sc,
                                                         const storage::OversightStore& store,
                                                         const CallScope& scope, const std::string& campaign_id);

}  // namespace caselink::server
