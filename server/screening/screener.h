// Screener applies the district's screening rules (workflow/screening_rules.h)
// to cases: to each version as it is written (its hits go in the version's own
// batch, so a case is never stored without them), and to the whole store when
// the rules change (a rescreen that rewrites only the hits that differ, each
// under its case's lock so it never undoes a newer version's hits).
// Thread-safe; the rules are swapped atomically on reload.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/case_store.h"
#include "storage/screening_store.h"
#include "workflow/screening_rules.h"

namespace caselink::server {

class Screener {
 public:
  Screener(storage::CaseStore* cases, storage::ScreeningStore* store, storage::CommitPipeline* pipeline,
           std::function<absl::Time()> now)
      : cases_(cases), store_(store), pipeline_(pipeline), now_(std::move(now)) {}

  // The rules in force from now on (null: no screening; stored hits stay).
  void SetRules(std::shared_ptr<const workflow::ScreeningRuleSet> rules) ABSL_LOCKS_EXCLUDED(mu_);
  std::shared_ptr<const workflow::ScreeningRuleSet> rules() const ABSL_LOCKS_EXCLUDED(mu_);

  // Adds the hits of each version about to be written to its batch
  // (CaseStore::BatchAttach).
  absl::Status AttachHits(const std::vector<const v1::Case*>& written, storage::CommitRequest* commit) const;

  // Rescreens every case if the stored hits were computed with other rules
  // than those in force, then records the rules' version. OK at once if they
  // were not. Progress: rescreen_done() cases read so far.
  absl::Status RescreenIfChanged();

  const storage::ScreeningStore* store() const { return store_; }

  // Ends a running rescreen early (shutdown, or rules that changed again);
  // rescreens stay stopped until Resume().
  void Stop() { stop_ = true; }
  void Resume() { stop_ = false; }

  int64_t rescreen_done() const { return done_.load(); }
  int64_t rescreened_changed() const { return changed_.load(); }
  bool rescreen_running() const { return running_.load(); }

 private:
  storage::CaseStore* cases_;
  storage::ScreeningStore* store_;
  storage::CommitPipeline* pipeline_;
  std::function<absl::Time()> now_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const workflow::ScreeningRuleSet> rules_ ABSL_GUARDED_BY(mu_);
  absl::Mutex rescreen_mu_;  // one rescreen at a time
  std::atomic<int64_t> done_{0};
  std::atomic<int64_t> changed_{0};
  std::atomic<bool> running_{false};
  std::atomic<bool> stop_{false};
};

}  // namespace caselink::server
