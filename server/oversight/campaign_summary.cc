#include "server/oversight/campaign_summary.h"

#include <map>
#include <set>
#include <vector>

#include "caselink_common/status_macros.h"
#include "server/oversight/campaign_access.h"
#include "server/workflow/workflow_actor.h"
#include "workflow/campaign_rules.h"
#include "workflow/item_machine.h"

namespace caselink::server {
namespace {

// The campaign's rectification notices, whoever they went to (the summary
// counts them all; what the caller sees of them is filtered afterwards).
absl::StatusOr<std::vector<v1::Rectification>> NoticesOf(const ServiceContext& sc, const std::string& campaign_id) {
  std::vector<v1::Rectification> out;
  absl::Status parsed = absl::OkStatus();
  CASELINK_RETURN_IF_ERROR(sc.workflow->store->ScanHeads(
      storage::Table::kRectifications, "", [&](const std::string&, const std::string& bytes) {
        v1::Rectification r;
        if (!r.ParseFromString(bytes)) {
          parsed = absl::DataLossError("stored rectification notice is corrupted");
          return false;
        }
        if (r.campaign_id() == campaign_id) out.push_back(std::move(r));
        return true;
      }));
  CASELINK_RETURN_IF_ERROR(parsed);
  return out;
}

// A district row less the caller's own row is the sum of the other inspected
// agencies' rows. Where fewer than two other agencies have a reviewed case in
// it, that sum is one agency's figures (its average, grades, findings) or
// none, so the caller would read another agency's review results it may not
// see. The criteria ("" for the whole) whose district row at least
// kDistrictMinOthers other agencies with reviewed cases contribute to (only
// those rows are shown to the narrow view; the others are left out).
constexpr int kDistrictMinOthers = 2;

std::set<std::string> DistrictRowsShown(const std::string& agency, const v1::CampaignSummary& s) {
  std::map<std::string, int> others;  // criterion -> other agencies with reviewed cases
  for (const v1::SummaryRow& r : s.rows()) {
    if (r.agency_id().empty() || r.agency_id() == agency || r.cases_reviewed() == 0) continue;
    ++others[r.criterion_id()];
  }
  std::set<std::string> shown;
  for (const auto& [criterion, n] : others) {
    if (n >= kDistrictMinOthers) shown.insert(criterion);
  }
  return shown;
}

// Keeps what concerns `agency` as an inspected agency: its rows, the
// district's rows that hide every other agency (DistrictRowsShown), and its
// own cases' differences and notices.
void NarrowTo(const std::string& agency, v1::CampaignSummary* s) {
  v1::CampaignSummary all = *s;
  const std::set<std::string> shown = DistrictRowsShown(agency, all);
  s->clear_rows();
  s->clear_differences();
  s->clear_overdue();
  for (v1::SummaryRow& r : *all.mutable_rows()) {
    const bool district = r.agency_id().empty();
    if (r.agency_id() == agency || (district && shown.count(r.criterion_id()) > 0)) *s->add_rows() = std::move(r);
  }
  for (v1::ReviewDifference& d : *all.mutable_differences()) {
    if (d.agency_id() == agency) *s->add_differences() = std::move(d);
  }
  for (v1::Rectification& r : *all.mutable_overdue()) {
    if (r.receiver_agency() == agency) *s->add_overdue() = std::move(r);
  }
}

// The overdue notices are shown as GetRectification would show them: only
// those the caller may see (its own, or all for the procuratorate and the
// justice bureau). The rows still count every notice: a team member or the
// government learns how many notices of an agency are overdue, not what
// another agency was told to rectify.
void KeepVisibleNotices(const workflow::Actor& actor, v1::CampaignSummary* s) {
  google::protobuf::RepeatedPtrField<v1::Rectification> kept;
  for (v1::Rectification& r : *s->mutable_overdue()) {
    if (workflow::CanSee(actor, r)) *kept.Add() = std::move(r);
  }
  s->mutable_overdue()->Swap(&kept);
}

}  // namespace

absl::StatusOr<v1::CampaignSummary> BuildCampaignSummary(const ServiceContext& sc,
                                                         const storage::OversightStore& store,
                                                         const CallScope& scope, const std::string& campaign_id) {
  CASELINK_ASSIGN_OR_RETURN(const CampaignAccess access, LoadCampaign(store, scope, campaign_id));
  CASELINK_ASSIGN_OR_RETURN(std::optional<v1::Sample> sample, store.Sample(campaign_id));
  CASELINK_ASSIGN_OR_RETURN(const std::vector<v1::Review> reviews, store.Reviews(campaign_id, "", false));
  CASELINK_ASSIGN_OR_RETURN(const std::vector<v1::Rectification> notices, NoticesOf(sc, campaign_id));
  v1::CampaignSummary s = workflow::TallyCampaign(access.campaign, sample.value_or(v1::Sample()), reviews,
                                                  notices, sc.now());
  if (!access.full_view()) NarrowTo(scope.principal.agency_id, &s);
  KeepVisibleNotices(ActorOf(scope), &s);
  return s;
}

}  // namespace caselink::server
