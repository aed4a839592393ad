// WatchHub wakes event streams when new events are durable, and bounds how
// many streams an agency holds open. The commit pipeline's listener calls
// Notify (non-blocking); each stream re-reads the log from its last cursor
// after every wake, so an event committed while a stream was reading is
// never missed. Close() ends every wait (server shutdown). Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace caselink::server {

class WatchHub {
 public:
  // A held stream slot; released when destroyed.
  class Slot {
   public:
    Slot(WatchHub* hub, std::string agency) : hub_(hub), agency_(std::move(agency)) {}
    ~Slot();
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    WatchHub* hub_;
    std::string agency_;
  };

  // Takes a slot for `agency`; RESOURCE_EXHAUSTED if it holds `max` already.
  absl::StatusOr<std::unique_ptr<Slot>> Acquire(const std::string& agency, int max);

  // Open streams per agency (agencies with none are absent).
  std::map<std::string, int> OpenStreams() const;

  // Called after each durable group of events, with the last event's
  // sequence: streams deliver no event past it (an event written but not yet
  // fsynced could still be lost to a power failure).
  void Notify(uint64_t durable_seq);
  // The highest event sequence known to be durable.
  uint64_t durable_seq() const;
  // A counter that changes on every Notify.
  uint64_t generation() const;
  // Waits until generation() != `seen`, Close(), or `timeout`.
  void WaitChange(uint64_t seen, absl::Duration timeout) const;
  void Close();
  bool closed() const;

 private:
  void Release(const std::string& agency);

  mutable absl::Mutex mu_;
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t durable_seq_ ABSL_GUARDED_BY(mu_) = 0;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  std::map<std::string, int> open_ ABSL_GUARDED_BY(mu_);
};

}  // namespace caselink::server
