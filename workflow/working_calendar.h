// The district's working calendar: which days are rest days (Saturdays and
// Sundays, plus the State Council's holidays, minus its 调休 working weekend
// days), from a WorkingCalendar file (config/working-calendar.textproto). The
// workflow counts periods with it: a period of days whose last day is a rest
// day ends on the next working day (民法典 第二百零三条); a period of working
// days counts working days. Immutable; thread-safe.
//
//   absl::StatusOr<WorkingCalendar> cal = WorkingCalendar::Parse(text, "cal.textproto");
//   absl::CivilDay due = cal->MoveToWorkingDay(absl::CivilDay(2025, 10, 1));  // 2025-10-09
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "caselink/v1/config.pb.h"

namespace caselink::workflow {

class WorkingCalendar {
 public:
  // Only Saturdays and Sundays are rest days.
  WorkingCalendar() = default;

  // INVALID_ARGUMENT naming the year and entry for a malformed date, a span
  // that ends before it starts or outside its year, a working day that is not
  // a weekend day or lies inside a holiday, or a year given twice.
  static absl::StatusOr<WorkingCalendar> FromProto(const v1::WorkingCalendar& proto);
  // The same from text format; errors as "FILE:LINE:COL: reason".
  static absl::StatusOr<WorkingCalendar> Parse(absl::string_view text, const std::string& file_name);

  bool IsRestDay(absl::CivilDay day) const;
  // `day` if it is a working day, else the first working day after it.
  absl::CivilDay MoveToWorkingDay(absl::CivilDay day) const;
  // The `n`-th working day after `start` (`start` itself not counted), n >= 1.
  absl::CivilDay AddWorkingDays(absl::CivilDay start, int n) const;
  // Working days after `from` up to and including `to` (0 if to <= from).
  // Counting stops once it exceeds `stop_above` (the answer is then
  // stop_above + 1): enough to tell "more than N", and a case entered years
  // after its decision does not cost a day-by-day walk (the report).
  int WorkingDaysBetween(absl::CivilDay from, absl::CivilDay to,
                         int stop_above = std::numeric_limits<int>::max() - 1) const;

  // The years the file covers, ascending; outside them only weekends rest.
  const std::vector<int>& years() const { return years_; }
  bool Covers(int year) const;

 private:
  absl::flat_hash_set<int64_t> holidays_;     // days since 1970-01-01
  absl::flat_hash_set<int64_t> working_days_;  // weekend days that are working days
  std::vector<int> years_;
};

}  // namespace caselink::workflow
