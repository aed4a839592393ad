#include "server/screening/hit_state.h"

#include "absl/strings/str_cat.h"
#include "caselink/v1/workflow.pb.h"
#include "caselink_common/status_macros.h"
#include "server/workflow/workflow_context.h"
#include "workflow/item_machine.h"

namespace caselink::server {
namespace {

// Calls `fn` with each parsed head of `table`.
template <class Item>
absl::Status ForEachHead(const ServiceContext& sc, storage::Table table, const rocksdb::Snapshot* at,
                         const std::function<void(const std::string&, const Item&)>& fn) {
  absl::Status parse = absl::OkStatus();
  Item item;
  CASELINK_RETURN_IF_ERROR(sc.workflow->store->ScanHeads(
      table, "",
      [&](const std::string& id, const std::string& bytes) {
        if (!item.ParseFromString(bytes)) {
          parse = absl::DataLossError(absl::StrCat("stored workflow item '", id, "' is corrupted"));
          return false;
        }
        fn(id, item);
        return true;
      },
      at));
  return parse;
}

}  // namespace

void NoteItem(const v1::Transfer& t, ItemsOfCases* out) {
  if (t.direction() != v1::TRANSFER_FORWARD || t.state() == v1::STATE_NOT_APPROVED) return;
  for (const std::string& c : t.case_ids()) {
    if ((*out)[c].forward_transfer.empty()) (*out)[c].forward_transfer = t.id();
  }
}

void NoteItem(const v1::SupervisionRecord& r, ItemsOfCases* out) {
  for (const std::string& c : r.case_ids()) {
    if ((*out)[c].supervision.empty()) (*out)[c].supervision = r.id();
  }
}

absl::StatusOr<ItemsOfCases> ItemsByCase(const ServiceContext& sc, const rocksdb::Snapshot* at,
                                         const workflow::Actor* viewer) {
  ItemsOfCases out;
  if (sc.workflow == nullptr || sc.workflow->store == nullptr) return out;
  CASELINK_RETURN_IF_ERROR(ForEachHead<v1::Transfer>(
      sc, storage::Table::kTransfers, at, [&](const std::string&, const v1::Transfer& t) {
        if (viewer == nullptr || workflow::CanSee(*viewer, t)) NoteItem(t, &out);
      }));
  CASELINK_RETURN_IF_ERROR(ForEachHead<v1::SupervisionRecord>(
      sc, storage::Table::kSupervision, at, [&](const std::string&, const v1::SupervisionRecord& r) {
        if (viewer == nullptr || workflow::CanSee(*viewer, r)) NoteItem(r, &out);
      }));
  return out;
}

absl::Status SetHitState(const storage::ScreeningStore& store,
                         const absl::flat_hash_map<std::string, CaseItems>& items, v1::ScreeningHit* hit) {
  auto it = items.find(hit->case_id());
  const CaseItems* of = it == items.end() ? nullptr : &it->second;
  if (of != nullptr && !of->forward_transfer.empty()) {
    hit->set_state(v1::HIT_TRANSFERRED);
    hit->set_item_id(of->forward_transfer);
    return absl::OkStatus();
  }
  CASELINK_ASSIGN_OR_RETURN(std::optional<v1::ScreeningHit> dismissed,
                            store.LatestDismissal(hit->case_id(), hit->rule_id()));
  if (dismissed.has_value()) {
    hit->set_state(v1::HIT_DISMISSED);
    hit->set_dismiss_reason(dismissed->dismiss_reason());
    hit->set_dismissed_by(dismissed->dismissed_by());
    *hit->mutable_dismiss_time() = dismissed->dismiss_time();
    return absl::OkStatus();
  }
  if (of != nullptr && !of->supervision.empty()) {
    hit->set_state(v1::HIT_SUPERVISED);
    hit->set_item_id(of->supervision);
    return absl::OkStatus();
  }
  hit->set_state(v1::HIT_OPEN);
  return absl::OkStatus();
}

}  // namespace caselink::server
