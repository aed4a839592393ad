#include "server/core/refusal_limiter.h"

namespace caselink::server {

bool RefusalLimiter::Admit(const std::string& cert, const std::string& agency, absl::Time now,
                           std::vector<Summary>* due) {
  absl::MutexLock l(&mu_);
  auto it = windows_.find(cert);
  if (it == windows_.end()) {
    if (windows_.size() >= max_certs_) {
      // Many certificates at once: hand out every count rather than grow.
      for (auto& [key, w] : windows_) {
        if (w.pending.count > 0) due->push_back(std::move(w.pending));
      }
      windows_.clear();
    }
    it = windows_.emplace(cert, Window{now, 0, {}}).first;
  }
  Window& w = it->second;
  if (now >= w.start + window_) {
    if (w.pending.count > 0) due->push_back(std::move(w.pending));
    w = Window{now, 0, {}};
  }
  if (w.logged < per_window_) {
    ++w.logged;
    return true;
  }
  if (w.pending.count == 0) {
    w.pending.cert = cert;
    w.pending.first = now;
  }
  if (!agency.empty()) w.pending.agency = agency;
  ++w.pending.count;
  w.pending.last = now;
  return false;
}

std::vector<RefusalLimiter::Summary> RefusalLimiter::TakeDue(absl::Time now, bool all) {
  std::vector<Summary> out;
  absl::MutexLock l(&mu_);
  for (auto it = windows_.begin(); it != windows_.end();) {
    Window& w = it->second;
    if (!all && now < w.start + window_) {
      ++it;
      continue;
    }
    if (w.pending.count > 0) out.push_back(std::move(w.pending));
    windows_.erase(it++);
  }
  return out;
}

}  // namespace caselink::server
