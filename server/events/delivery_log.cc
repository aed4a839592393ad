#include "server/events/delivery_log.h"

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

bool DeliveryLog::Full() const {
  return events_ >= kMaxEvents || static_cast<int>(chunk_.case_ids.size()) >= kMaxCaseIds;
}

absl::Status DeliveryLog::Commit() {
  // An event whose cases are all invisible delivers no case data: the item
  // it carries (ids, states, the procuratorial opinion) is not a case read.
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
