#include "storage/key_locks.h"

#include <algorithm>

#include "storage/blocking_hook.h"

namespace caselink::storage {

KeyLocks::Guard::~Guard() {
  if (owner_ == nullptr) return;
  {
    absl::MutexLock l(&owner_->mu_);
    for (const std::string& k : keys_) owner_->held_.erase(k);
  }
  owner_->released_.SignalAll();
}

KeyLocks::Guard KeyLocks::Lock(std::initializer_list<absl::string_view> keys) {
  return LockAll(std::vector<std::string>(keys.begin(), keys.end()));
}

KeyLocks::Guard KeyLocks::Lock(const std::vector<std::string>& keys) { return LockAll(keys); }

KeyLocks::Guard KeyLocks::LockAll(std::vector<std::string> keys) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  absl::MutexLock l(&mu_);
  if (!NoneHeld(keys)) {
    BeforeBlocking();
    // All or nothing: holding some keys while waiting for others could deadlock.
    do released_.Wait(&mu_);
    while (!NoneHeld(keys));
  }
  for (const std::string& k : keys) held_.insert(k);
  return Guard(this, std::move(keys));
}

bool KeyLocks::NoneHeld(const std::vector<std::string>& keys) const {
  for (const std::string& k : keys) {
    if (held_.contains(k)) return false;
  }
  return true;
}

}  // namespace caselink::storage
