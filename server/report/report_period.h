// The period of a report: two calendar days "YYYY-MM-DD" in the district's
// zone, [from, to), checked and turned into the instants they begin at, so a
// timestamp is in the period iff start <= t < end. Pure; thread-safe.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace caselink::server {

struct ReportPeriod {
  std::string from_date;  // "YYYY-MM-DD", inclusive
  std::string to_date;    // exclusive
  absl::Time start;       // 00:00 of from_date in the zone
  absl::Time end;         // 00:00 of to_date in the zone

  bool Contains(absl::Time t) const { return start <= t && t < end; }
  // A date "YYYY-MM-DD" (as in PenaltyDecision.decision_date) in the period.
  bool ContainsDate(const std::string& date) const { return from_date <= date && date < to_date; }
};

// INVALID_ARGUMENT naming the field ("from_date: ...") when a date is missing
// or not a real calendar day written YYYY-MM-DD, or when to_date is not after
// from_date.
absl::StatusOr<ReportPeriod> ParseReportPeriod(const std::string& from_date,
                                               const std::string& to_date, absl::TimeZone tz);

}  // namespace caselink::server
