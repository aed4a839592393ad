#include "server/events/watch_hub.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace caselink::server {

WatchHub::Slot::~Slot() { hub_->Release(agency_); }

absl::StatusOr<std::unique_ptr<WatchHub::Slot>> WatchHub::Acquire(const std::string& agency,
                                                                  int max) {
  absl::MutexLock lock(&mu_);
  // Looked up, not inserted: a refused agency must not appear in
  // OpenStreams() with 0 streams.
  auto it = open_.find(agency);
  const int n = it == open_.end() ? 0 : it->second;
  if (n >= max) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "agency '", agency, "' already has ", n, " event streams open (limit ", max,
        "); close one, or share one stream inside your system"));
  }
  ++open_[agency];
  return std::make_unique<Slot>(this, agency);
}

std::map<std::string, int> WatchHub::OpenStreams() const {
  absl::MutexLock l(&mu_);
  return open_;
}

void WatchHub::Release(const std::string& agency) {
  absl::MutexLock lock(&mu_);
  if (--open_[agency] <= 0) open_.erase(agency);
}

void WatchHub::Notify(uint64_t durable_seq) {
  absl::MutexLock lock(&mu_);
  durable_seq_ = std::max(durable_seq_, durable_seq);
  ++generation_;
}

uint64_t WatchHub::durable_seq() const {
  absl::MutexLock lock(&mu_);
  return durable_seq_;
}

uint64_t WatchHub::generation() const {
  absl::MutexLock lock(&mu_);
  return generation_;
}

void WatchHub::WaitChange(uint64_t seen, absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto changed = [this, seen]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return generation_ != seen || closed_;
  };
  mu_.AwaitWithTimeout(absl::Condition(&changed), timeout);
}

void WatchHub::Close() {
  absl::MutexLock lock(&mu_);
  closed_ = true;
}

bool WatchHub::closed() const {
  absl::MutexLock lock(&mu_);
  return closed_;
}

}  // namespace caselink::server
