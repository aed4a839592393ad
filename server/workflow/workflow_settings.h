// The district's workflow settings as the running server holds them: loaded
// from the configuration and its working-calendar file at start, replaced
// whole when the operator reloads (SIGHUP). A handler takes one snapshot per
// call, so a step never mixes two calendars. Thread-safe.
#pragma once

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "caselink/v1/config.pb.h"
#include "workflow/item_machine.h"

namespace caselink::server {

// The settings of `config` with its calendar_file read and checked (a path
// already resolved against the configuration file). Errors name the file.
absl::StatusOr<workflow::Settings> LoadWorkflowSettings(const v1::WorkflowConfig& config);

class WorkflowSettings {
 public:
  WorkflowSettings() : current_(std::make_shared<const workflow::Settings>()) {}

  std::shared_ptr<const workflow::Settings> Get() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return current_;
  }
  void Replace(workflow::Settings settings) ABSL_LOCKS_EXCLUDED(mu_) {
    auto next = std::make_shared<const workflow::Settings>(std::move(settings));
    absl::MutexLock lock(&mu_);
    current_ = std::move(next);
  }

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<const workflow::Settings> current_ ABSL_GUARDED_BY(mu_);
};

}  // namespace caselink::server
