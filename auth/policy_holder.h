// PolicyHolder keeps the Authorizer in force and swaps it atomically on
// reload. A request takes one snapshot (shared_ptr) at its start and uses it
// to the end, so no request ever sees half of an old and half of a new policy.
// A bad new file keeps the old policy in force. Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "auth/authorizer.h"

namespace caselink::auth {

class PolicyHolder {
 public:
  // Loads `path`; fails (with file:line:col reasons) if the policy is bad.
  static absl::StatusOr<std::unique_ptr<PolicyHolder>> Load(const std::string& path);

  std::shared_ptr<const Authorizer> Current() const ABSL_LOCKS_EXCLUDED(mu_);

  // Re-reads the file. On error the old policy stays and the error is returned.
  absl::Status Reload() ABSL_LOCKS_EXCLUDED(mu_);

  const std::string& path() const { return path_; }

 private:
  explicit PolicyHolder(std::string path) : path_(std::move(path)) {}
  const std::string path_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const Authorizer> current_ ABSL_GUARDED_BY(mu_);
};

}  // namespace caselink::auth
