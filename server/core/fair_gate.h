// FairGate bounds how many calls do CPU work at once (one permit per core)
// and hands free permits to waiting callers round-robin by agency, so an
// agency with 32 calls in flight gets one turn for every turn of an agency
// with one: a flood from one agency queues behind itself, not in front of the
// others. A call gives its permit up for good before it first blocks (group
// commit, key lock: see storage/blocking_hook.h), so holders never wait on
// each other and the gate cannot deadlock; what a call does after that (the
// short tail of answering) is not gated. Thread-safe.
//
// Example (a worker thread):
//   FairGate::Slot slot(&gate, agency);   // waits for a turn
//   Serve();                              // storage may call YieldCurrent()
#pragma once

#include <deque>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace caselink::server {

class FairGate {
 public:
  explicit FairGate(int permits);
  FairGate(const FairGate&) = delete;
  FairGate& operator=(const FairGate&) = delete;

  // Holds a permit of `gate` for the current thread from construction until
  // destruction or YieldCurrent(), whichever comes first.
  class Slot {
   public:
    Slot(FairGate* gate, const std::string& key);
    // Takes a permit only if one is free and nobody waits: `held()` says.
    struct IfFree {};
    Slot(FairGate* gate, const std::string& key, IfFree);
    bool held() const { return held_; }
    ~Slot();
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    bool held_ = false;
  };

  // Gives up the current thread's permit, if it holds one (the storage hook).
  static void YieldCurrent();

  // Permits not held (for tests).
  int free_permits();

 private:
  struct Waiter {
    bool granted = false;  // guarded by the gate's mu_
    absl::CondVar cv;
  };
  void Enter(const std::string& key);
  bool TryEnter();
  void Leave();

  absl::Mutex mu_;
  int free_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::deque<Waiter*>> waiting_ ABSL_GUARDED_BY(mu_);  // by key
  // Keys with waiters, in the order they are served.
  std::deque<std::string> turns_ ABSL_GUARDED_BY(mu_);
};

}  // namespace caselink::server
