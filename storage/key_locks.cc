#include "storage/key_locks.h"

#include <algorithm>

#include "absl/hash/hash.h"

namespace caselink::storage {

KeyLocks::Guard::Guard(KeyLocks* owner, std::vector<size_t> stripes)
    : owner_(owner), stripes_(std::move(stripes)) {}

KeyLocks::Guard::~Guard() {
  if (owner_ == nullptr) return;
  for (auto it = stripes_.rbegin(); it != stripes_.rend(); ++it) owner_->stripes_[*it].unlock();
}

KeyLocks::Guard KeyLocks::Lock(std::initializer_list<absl::string_view> keys) {
  std::vector<size_t> s;
  for (absl::string_view k : keys) s.push_back(absl::HashOf(k) % kStripes);
  return LockStripes(std::move(s));
}

KeyLocks::Guard KeyLocks::Lock(const std::vector<std::string>& keys) {
  std::vector<size_t> s;
  for (const std::string& k : keys) s.push_back(absl::HashOf(absl::string_view(k)) % kStripes);
  return LockStripes(std::move(s));
}

KeyLocks::Guard KeyLocks::LockStripes(std::vector<size_t> s) {
  std::sort(s.begin(), s.end());
  s.erase(std::unique(s.begin(), s.end()), s.end());
  for (size_t i : s) stripes_[i].lock();
  return Guard(this, std::move(s));
}

}  // namespace caselink::storage
