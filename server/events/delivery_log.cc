#include "server/events/delivery_log.h"

#include <algorithm>

namespace caselink::server {

DeliveryLog::DeliveryLog(const AccessLogger* log, const AccessRecord& call) : log_(log) {
  base_.method = call.method;
  base_.agency_id = call.agency_id;
  base_.cert_fingerprint = call.cert_fingerprint;
  base_.purpose = call.purpose;
  base_.purpose_case_ref = call.purpose_case_ref;
  Reset();
}

void DeliveryLog::Reset() {
  chunk_ = base_;
  events_ = 0;
  several_items_ = false;
}

void DeliveryLog::AddEvent(const v1::Event& e) {
  ++events_;
  if (e.kind() != v1::EVENT_CASE_MARKED_MAJOR) {
    // The entry names the item its events are about when they are all
    // about one (a live wake delivers one event): an item naming no case is
    // found by it.
    if (chunk_.item_id.empty() && !several_items_) {
      chunk_.item_id = e.item_id();
    } else if (chunk_.item_id != e.item_id()) {
      chunk_.item_id.clear();
      several_items_ = true;
    }
    return;
  }
  // A major mark carries its case's id in item_id, a field that is not a
  // case id for other kinds (so not declared case_ref): named here.
  if (e.item_id().empty()) return;
  if (std::find(chunk_.case_ids.begin(), chunk_.case_ids.end(), e.item_id()) == chunk_.case_ids.end()) {
    chunk_.case_ids.push_back(e.item_id());
  }
}

bool DeliveryLog::Full() const {
  return events_ >= kMaxEvents || static_cast<int>(chunk_.case_ids.size()) >= kMaxCaseIds;
}

absl::Status DeliveryLog::Commit() {
  // Every delivery is on the record, also of events naming no case (a
  // supervision record or reverse transfer without cases, a meeting's
  // decision item): their items' text reaches the caller, with the field
  // paths and parties the filter put in the chunk.
  if (events_ > 0 && log_ != nullptr) {
    absl::Status s = log_->Log(chunk_, absl::OkStatus());
    if (!s.ok()) return s;
    ++entries_;
    cases_ += static_cast<int>(chunk_.case_ids.size());
  }
  Reset();
  return absl::OkStatus();
}

}  // namespace caselink::server
