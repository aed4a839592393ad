#include "server/core/in_flight_limiter.h"

namespace caselink::server {

bool InFlightLimiter::TryAcquire(const std::string& key) {
  absl::MutexLock l(&mu_);
  int& n = in_flight_[key];
  if (n >= limit_) return false;
  ++n;
  return true;
}

void InFlightLimiter::Release(const std::string& key) {
  absl::MutexLock l(&mu_);
  auto it = in_flight_.find(key);
  if (it == in_flight_.end()) return;
  if (--it->second <= 0) in_flight_.erase(it);
}

}  // namespace caselink::server
