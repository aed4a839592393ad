// A fixed pool of threads for handler work that blocks (synced RocksDB
// writes, reads). gRPC's callback threads must not block, and RocksDB's group
// commit only batches writers that wait concurrently, so blocking work runs
// here and the reactor is finished from the worker. Thread-safe.
#pragma once

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace caselink::server {

class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  // Runs every queued task, then joins the threads.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Schedule(std::function<void()> task) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Run() ABSL_LOCKS_EXCLUDED(mu_);

  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace caselink::server
