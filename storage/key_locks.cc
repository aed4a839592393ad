#include "storage/key_locks.h"

#include <algorithm>

#include "storage/blocking_hook.h"

namespace caselink::storage {

KeyLocks::Guard::~Guard() {
  if (owner_ == nullptr) return;
  {
    std::lock_guard<std::mutex> l(owner_->mu_);
    for (const std::string& k : keys_) owner_->held_.erase(k);
  }
  owner_->released_.notify_all();
}

KeyLocks::Guard KeyLocks::Lock(std::initializer_list<absl::string_view> keys) {
  return LockAll(std::vector<std::string>(keys.begin(), keys.end()));
}

KeyLocks::Guard KeyLocks::Lock(const std::vector<std::string>& keys) { return LockAll(keys); }

KeyLocks::Guard KeyLocks::LockAll(std::vector<std::string> keys) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  std::unique_lock<std::mutex> l(mu_);
  auto free = [&] {
    return std::none_of(keys.begin(), keys.end(), [&](const std::string& k) { return held_.contains(k); });
  };
  if (!free()) {
    BeforeBlocking();
    // All or nothing: holding some keys while waiting for others could deadlock.
    released_.wait(l, free);
  }
  for (const std::string& k : keys) held_.insert(k);
  return Guard(this, std::move(keys));
}

}  // namespace caselink::storage
