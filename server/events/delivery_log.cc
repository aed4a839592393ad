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
}

void DeliveryLog::AddEvent(const v1::Event& e) {
  ++events_;
  // A major mark carries its case's id in item_id, a field that is not a
  // case id for other kinds (so not declared case_ref): named here.
  if (e.kind() != v1::EVENT_CASE_MARKED_MAJOR || e.item_id().empty()) return;
  if (std::find(chunk_.case_ids.begin(), chunk_.case_ids.end(), e.item_id()) == chunk_.case_ids.end()) {
    chunk_.case_ids.push_back(e.item_id());
  }
}

bool DeliveryLog::Full() const {
  return events_ >= kMaxEvents || static_cast<int>(chunk_.case_ids.size()) >= kMaxCaseIds;
}

absl::Status DeliveryLog::Commit() {
  // Events that name no case (an item without cases) need no entry: the
  // stream's own entry records the call.
  if (!chunk_.case_ids.empty() && log_ != nullptr) {
    absl::Status s = log_->Log(chunk_, absl::OkStatus());
    if (!s.ok()) return s;
    ++entries_;
    cases_ += static_cast<int>(chunk_.case_ids.size());
  }
  Reset();
  return absl::OkStatus();
}

}  // namespace caselink::server
