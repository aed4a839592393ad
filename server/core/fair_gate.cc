#include "server/core/fair_gate.h"

#include <algorithm>

namespace caselink::server {
namespace {
thread_local FairGate* t_held = nullptr;
}  // namespace

FairGate::FairGate(int permits) : free_(std::max(1, permits)) {}

FairGate::Slot::Slot(FairGate* gate, const std::string& key) {
  if (gate == nullptr || t_held != nullptr) return;
  gate->Enter(key);
  t_held = gate;
  held_ = true;
}

FairGate::Slot::Slot(FairGate* gate, const std::string& key, IfFree) {
  (void)key;
  if (gate == nullptr || t_held != nullptr || !gate->TryEnter()) return;
  t_held = gate;
  held_ = true;
}

FairGate::Slot::~Slot() { YieldCurrent(); }

void FairGate::YieldCurrent() {
  if (t_held == nullptr) return;
  FairGate* gate = t_held;
  t_held = nullptr;
  gate->Leave();
}

int FairGate::free_permits() {
  absl::MutexLock l(&mu_);
  return free_;
}

void FairGate::Enter(const std::string& key) {
  absl::MutexLock l(&mu_);
  if (free_ > 0 && turns_.empty()) {
    --free_;
    return;
  }
  Waiter w;
  std::deque<Waiter*>& q = waiting_[key];
  if (q.empty()) turns_.push_back(key);
  q.push_back(&w);
  while (!w.granted) w.cv.Wait(&mu_);
}

bool FairGate::TryEnter() {
  absl::MutexLock l(&mu_);
  if (free_ > 0 && turns_.empty()) {
    --free_;
    return true;
  }
  return false;
}

void FairGate::Leave() {
  absl::MutexLock l(&mu_);
  if (turns_.empty()) {
    ++free_;
    return;
  }
  // The permit passes straight to the next agency in turn; an agency with
  // more waiters goes to the back of the line.
  std::string key = std::move(turns_.front());
  turns_.pop_front();
  auto it = waiting_.find(key);
  Waiter* next = it->second.front();
  it->second.pop_front();
  if (it->second.empty()) {
    waiting_.erase(it);
  } else {
    turns_.push_back(std::move(key));
  }
  next->granted = true;
  next->cv.Signal();
}

}  // namespace caselink::server
