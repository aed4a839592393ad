#include "server/oversight/sample_population.h"

#include <set>

#include "absl/time/civil_time.h"
#include "caselink_common/proto_time.h"
#include "caselink_common/status_macros.h"
#include "server/report/report_period.h"

namespace caselink::server {

std::string CaseDay(const v1::Case& c, absl::TimeZone tz) {
  if (!c.penalty().decision_date().empty()) return c.penalty().decision_date();
  if (!c.register_date().empty()) return c.register_date();
  return absl::FormatCivilTime(absl::ToCivilDay(FromProtoTime(c.create_time()), tz));
}

absl::StatusOr<std::vector<workflow::PopulationCase>> SamplePopulation(const ServiceContext& sc,
                                                                       const v1::Campaign& campaign) {
  const absl::TimeZone tz = sc.workflow->settings->Get()->tz;
  // The report's [from, to) of calendar days, so both date a case alike.
  CASELINK_ASSIGN_OR_RETURN(const ReportPeriod period,
                            ParseReportPeriod(campaign.from_date(), campaign.to_date(), tz));
  const std::set<std::string> agencies(campaign.agencies().begin(), campaign.agencies().end());
  const std::set<int> domains(campaign.domains().begin(), campaign.domains().end());
  std::vector<workflow::PopulationCase> out;
  CASELINK_RETURN_IF_ERROR(sc.cases->ForEachLatest([&](const v1::Case& c) {
    if (agencies.count(c.owner_agency()) == 0) return true;
    if (!domains.empty() && domains.count(c.domain()) == 0) return true;
    if (!period.ContainsDate(CaseDay(c, tz))) return true;
    out.push_back({c.case_id(), c.owner_agency(), c.domain()});
    return true;
  }));
  return out;
}

}  // namespace caselink::server
