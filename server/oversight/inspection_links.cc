#include "server/oversight/inspection_links.h"

#include <algorithm>

#include "caselink_common/status_macros.h"

namespace caselink::server {

std::vector<storage::Put> InspectionLinkPuts(const storage::CaseLinks* links, const v1::Campaign& campaign,
                                             const std::vector<std::string>& case_ids) {
  std::vector<storage::Put> puts;
  if (links == nullptr) return puts;
  for (const std::string& case_id : case_ids) {
    for (const v1::TeamMember& m : campaign.team()) {
      puts.push_back(links->LinkPut(case_id, m.agency_id(), storage::kInspectionLink));
    }
  }
  return puts;
}

absl::StatusOr<int> BackfillInspectionLinks(const storage::OversightStore& store, const storage::CaseLinks& links,
                                            storage::CommitPipeline* pipeline) {
  CASELINK_ASSIGN_OR_RETURN(std::vector<v1::Campaign> campaigns, store.Campaigns());
  storage::CommitRequest commit;
  for (const v1::Campaign& campaign : campaigns) {
    // Kept in its StatusOr (not moved into a local optional): GCC 12 with
    // the sanitizers reported the moved-to optional as maybe uninitialized,
    // an error under -Werror (scripts/sanitize.sh).
    const absl::StatusOr<std::optional<v1::Sample>> sample = store.Sample(campaign.id());
    if (!sample.ok()) return sample.status();
    if (!sample->has_value()) continue;
    for (const v1::SampledCase& c : (*sample)->cases()) {
      const std::vector<storage::CaseLink> have = links.Links(c.case_id());
      for (const v1::TeamMember& m : campaign.team()) {
        const bool linked = std::any_of(have.begin(), have.end(), [&](const storage::CaseLink& l) {
          return l.agency == m.agency_id() && l.kind == storage::kInspectionLink;
        });
        if (!linked) commit.puts.push_back(links.LinkPut(c.case_id(), m.agency_id(), storage::kInspectionLink));
      }
    }
  }
  const int n = static_cast<int>(commit.puts.size());
  if (n == 0) return 0;
  CASELINK_RETURN_IF_ERROR(pipeline->Commit(std::move(commit)).status());
  return n;
}

}  // namespace caselink::server
