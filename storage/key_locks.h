// KeyLocks: striped mutexes that serialize read-check-write sequences on the
// same keys (a case, an idempotency key) inside this process, while writes to
// different keys proceed in parallel and share group commits. Locks of one
// call are always taken in stripe order, so two calls never deadlock.
// Thread-safe.
#pragma once

#include <array>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace caselink::storage {

class KeyLocks {
 public:
  static constexpr size_t kStripes = 1024;

  // Holds the stripes of some keys until destroyed.
  class Guard {
   public:
    Guard(Guard&& o) noexcept : owner_(o.owner_), stripes_(std::move(o.stripes_)) {
      o.owner_ = nullptr;
    }
    Guard& operator=(Guard&&) = delete;
    ~Guard();

   private:
    friend class KeyLocks;
    Guard(KeyLocks* owner, std::vector<size_t> stripes);
    KeyLocks* owner_;
    std::vector<size_t> stripes_;
  };

  // Locks every key given (duplicates and shared stripes are fine).
  Guard Lock(std::initializer_list<absl::string_view> keys);
  Guard Lock(const std::vector<std::string>& keys);

 private:
  Guard LockStripes(std::vector<size_t> stripes);

  std::array<std::mutex, kStripes> stripes_;
};

}  // namespace caselink::storage
