// RefusalLimiter decides which refused calls the access log records one by
// one: per client certificate, the first `per_window` refusals of each
// window (a minute by default) are logged as entries; the rest are counted,
// and the count becomes one summary entry when the window has ended ("N
// further refused calls from certificate X between t1 and t2"). So a
// certificate hammering refused calls adds a bounded number of entries per
// minute, and nothing vanishes silently. The state is bounded too: when
// `max_certs` certificates are tracked, every pending count is handed out
// as a summary and the table starts afresh. Pure logic (the caller supplies
// the time); thread-safe.
//
// Example:
//   std::vector<RefusalLimiter::Summary> due;
//   if (limiter.Admit(fingerprint, agency, now, &due)) WriteEntry(...);
//   for (const auto& s : due) WriteSummary(s);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace caselink::server {

class RefusalLimiter {
 public:
  // Refusals counted, not logged, for one certificate in one window.
  struct Summary {
    std::string cert;    // certificate fingerprint ("" for callers without one)
    std::string agency;  // the agency it matched, if any
    uint64_t count = 0;
    absl::Time first;  // the first and last counted refusal
    absl::Time last;
  };

  explicit RefusalLimiter(int per_window, absl::Duration window = absl::Minutes(1),
                          size_t max_certs = 10000)
      : per_window_(per_window), window_(window), max_certs_(max_certs) {}

  // A refused call of `cert` at `now`: true if it is to be logged one by one,
  // false if it was counted. Summaries now due (this certificate's previous
  // window, or all of them when the table is full) are appended to `due`.
  bool Admit(const std::string& cert, const std::string& agency, absl::Time now,
             std::vector<Summary>* due);

  // Summaries of every window that has ended by `now` (of every window if
  // `all`, e.g. at shutdown); those windows are forgotten.
  std::vector<Summary> TakeDue(absl::Time now, bool all);

  int per_window() const { return per_window_; }

 private:
  struct Window {
    absl::Time start;
    int logged = 0;
    Summary pending;
  };
  const int per_window_;
  const absl::Duration window_;
  const size_t max_certs_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Window> windows_ ABSL_GUARDED_BY(mu_);
};

}  // namespace caselink::server
