#include "server/report/report_campaigns.h"

#include "caselink_common/status_macros.h"
#include "server/oversight/campaign_access.h"
#include "server/oversight/campaign_summary.h"

namespace caselink::server {

absl::Status AddCampaignSummaries(const ServiceContext& sc, const CallScope& scope, const ReportPeriod& period,
                                  v1::JointMeetingReport* out) {
  if (sc.oversight == nullptr) return absl::OkStatus();
  CASELINK_ASSIGN_OR_RETURN(std::vector<v1::Campaign> campaigns, CampaignsVisibleTo(*sc.oversight, scope));
  // Reading a campaign names it as the call's item; the report's entry is
  // about the report (its cases are still added), so the name is restored.
  const std::string item = scope.record != nullptr ? scope.record->item_id : "";
  struct Restore {
    const CallScope& scope;
    const std::string& item;
    ~Restore() {
      if (scope.record != nullptr) scope.record->item_id = item;
    }
  } restore{scope, item};
  for (const v1::Campaign& c : campaigns) {
    // [from, to) of the campaign meets [from, to) of the report.
    if (c.to_date() <= period.from_date || c.from_date() >= period.to_date) continue;
    CASELINK_ASSIGN_OR_RETURN(v1::CampaignSummary summary, BuildCampaignSummary(sc, *sc.oversight, scope, c.id()));
    *out->add_campaigns() = std::move(summary);
  }
  return absl::OkStatus();
}

}  // namespace caselink::server
