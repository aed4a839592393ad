// The population a campaign's sample is drawn from: the latest version of
// every case owned by an inspected agency, in the campaign's domains (all if
// it names none), dated in [from_date, to_date). Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "caselink/v1/case.pb.h"
#include "caselink/v1/oversight.pb.h"
#include "server/core/service_context.h"
#include "workflow/campaign_rules.h"

namespace caselink::server {

// The day "YYYY-MM-DD" a case is dated by: its penalty decision date, else
// its register_date (立案), else the day it was stored in the district's zone.
std::string CaseDay(const v1::Case& c, absl::TimeZone tz);

// One streaming pass over the latest versions of the cases.
absl::StatusOr<std::vector<workflow::PopulationCase>> SamplePopulation(const ServiceContext& sc,
                                                                       const v1::Campaign& campaign);

}  // namespace caselink::server
