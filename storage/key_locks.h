// KeyLocks serializes read-check-write sequences on the same keys (a case, an
// idempotency key) inside this process, while writes to other keys proceed in
// parallel and share group commits. A caller takes all its keys at once or
// waits until none of them is held, so two callers never deadlock, and only
// callers that share a key ever wait for each other (a batch of 1,000 new
// cases does not block an unrelated batch). Thread-safe.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace caselink::storage {

class KeyLocks {
 public:
  // Holds some keys until destroyed.
  class Guard {
   public:
    Guard(Guard&& o) noexcept : owner_(o.owner_), keys_(std::move(o.keys_)) { o.owner_ = nullptr; }
    Guard& operator=(Guard&&) = delete;
    ~Guard();

   private:
    friend class KeyLocks;
    Guard(KeyLocks* owner, std::vector<std::string> keys) : owner_(owner), keys_(std::move(keys)) {}
    KeyLocks* owner_;
    std::vector<std::string> keys_;
  };

  // Locks every key given (duplicates are fine).
  Guard Lock(std::initializer_list<absl::string_view> keys);
  Guard Lock(const std::vector<std::string>& keys);

 private:
  Guard LockAll(std::vector<std::string> keys);
  bool NoneHeld(const std::vector<std::string>& keys) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  absl::CondVar released_;  // signalled when a Guard gives its keys back
  absl::flat_hash_set<std::string> held_ ABSL_GUARDED_BY(mu_);
};

}  // namespace caselink::storage
