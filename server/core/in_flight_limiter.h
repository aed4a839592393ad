// InFlightLimiter bounds the calls one caller (keyed by the agency its
// certificate matched, so all of an agency's certificates share one bound) may
// have in flight, so a flood from one agency is refused at the
// door with RESOURCE_EXHAUSTED instead of queuing ahead of everybody else's
// calls. Thread-safe.
#pragma once

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace caselink::server {

class InFlightLimiter {
 public:
  explicit InFlightLimiter(int limit) : limit_(limit) {}

  // Takes a slot for `key`; false if the key already has `limit` calls.
  bool TryAcquire(const std::string& key) ABSL_LOCKS_EXCLUDED(mu_);
  void Release(const std::string& key) ABSL_LOCKS_EXCLUDED(mu_);
  int limit() const { return limit_; }

 private:
  const int limit_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, int> in_flight_ ABSL_GUARDED_BY(mu_);
};

}  // namespace caselink::server
