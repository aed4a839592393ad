// Inspection links: a campaign's sample lets its inspection team (检查组) read
// the sampled cases (`rows { inspection_sample: true }` in the policy), so a
// team member from an enforcement agency can review another agency's case file.
// The links are written in the batch that samples the case, one per team
// member, and never removed; a database sampled before links existed gets them
// once at start-up.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "caselink/v1/oversight.pb.h"
#include "storage/case_links.h"
#include "storage/commit_pipeline.h"
#include "storage/oversight_store.h"

namespace caselink::server {

// The puts linking each of `case_ids` to each member of `campaign`'s team;
// empty when `links` is null (no workflow wired: the team reads nothing).
std::vector<storage::Put> InspectionLinkPuts(const storage::CaseLinks* links, const v1::Campaign& campaign,
                                             const std::vector<std::string>& case_ids);

// Writes, in one durable batch, the links a stored sample should have and does
// not (samples drawn by a version without them). Returns how many it wrote.
absl::StatusOr<int> BackfillInspectionLinks(const storage::OversightStore& store, const storage::CaseLinks& links,
                                            storage::CommitPipeline* pipeline);

}  // namespace caselink::server
