// Sends EVENT_DEADLINE_APPROACHING to the party that must act on an open item
// when its deadline is near (workflow/deadline_reminder.h says when), once per
// item and deadline: the event and a marker (kMeta "reminder\0<id>\0<due>")
// are one synced commit, so a crash never loses or repeats a reminder. A new
// deadline (an extension, a new state) is reminded anew. The server sweeps
// every minute on a thread of its own; RemindDeadlines() sweeps now.
// Thread-safe (sweeps are serialized).
#pragma once

#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "server/workflow/workflow_context.h"
#include "storage/commit_pipeline.h"
#include "storage/database.h"

namespace caselink::server {

class DeadlineReminders {
 public:
  DeadlineReminders(storage::Database* db, storage::CommitPipeline* pipeline, const WorkflowContext* wf)
      : db_(db), pipeline_(pipeline), wf_(wf) {}
  ~DeadlineReminders() { Stop(); }

  // One pass over every item; the number of reminders sent.
  absl::StatusOr<int> SweepOnce(absl::Time now) ABSL_LOCKS_EXCLUDED(mu_);

  // Sweeps every `every` (clock: `now`) until Stop().
  void Start(std::function<absl::Time()> now, absl::Duration every);
  void Stop();

  static std::string MarkerKey(const std::string& item_id, int64_t due_seconds);

 private:
  template <class Item>
  absl::Status SweepTable(storage::Table head, absl::Time now, int* sent) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  storage::Database* db_;
  storage::CommitPipeline* pipeline_;
  const WorkflowContext* wf_;
  absl::Mutex mu_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace caselink::server
