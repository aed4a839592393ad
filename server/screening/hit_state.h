// Where a screening hit stands (screening.proto HitState), from the workflow
// and the dismissals: a forward transfer of the case that was sent (not one
// refused, 不批准移送) makes it TRANSFERRED — whatever came before —, else the
// owner's latest dismissal DISMISSED, else a supervision record on the case
// SUPERVISED (建议移送), else OPEN. One definition for ScreeningService and
// the joint-meeting report.
#pragma once

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "auth/field_plan.h"
#include "auth/field_redactor.h"
#include "caselink/v1/screening.pb.h"
#include "caselink/v1/workflow.pb.h"
#include "server/core/service_context.h"
#include "storage/screening_store.h"
#include "workflow/actor.h"

namespace caselink::server {

// The workflow items that decide a hit's state, of one case.
struct CaseItems {
  std::string forward_transfer;  // a forward transfer that was sent
  std::string supervision;       // a supervision record on the case
};

using ItemsOfCases = absl::flat_hash_map<std::string, CaseItems>;

// Notes what one item says about its cases' hits: for a caller that reads
// every item anyway (the joint-meeting report).
void NoteItem(const v1::Transfer& t, ItemsOfCases* out);
void NoteItem(const v1::SupervisionRecord& r, ItemsOfCases* out);

// Every case's items, from the transfer and supervision heads (as of `at`,
// null: now). Items are few next to cases: one pass over both tables.
// With `viewer`, only the items it may see: a hit shown to an agency never
// names (nor is SUPERVISED by) a supervision record addressed to another.
absl::StatusOr<absl::flat_hash_map<std::string, CaseItems>> ItemsByCase(const ServiceContext& sc,
                                                                        const rocksdb::Snapshot* at = nullptr,
                                                                        const workflow::Actor* viewer = nullptr);

// Sets hit->state (and item_id, or the dismissal's reason, by and time).
absl::Status SetHitState(const storage::ScreeningStore& store,
                         const absl::flat_hash_map<std::string, CaseItems>& items, v1::ScreeningHit* hit);


}  // namespace caselink::server
