#include "workflow/working_calendar.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "caselink_common/text_format_errors.h"
#include "google/protobuf/text_format.h"

namespace caselink::workflow {
namespace {

int64_t Key(absl::CivilDay d) { return d - absl::CivilDay(1970, 1, 1); }

bool IsWeekend(absl::CivilDay d) {
  const absl::Weekday w = absl::GetWeekday(d);
  return w == absl::Weekday::saturday || w == absl::Weekday::sunday;
}

// A strict ISO date: "2025-10-01" and nothing else.
absl::StatusOr<absl::CivilDay> ParseDay(const std::string& text, const std::string& where) {
  absl::CivilDay d;
  if (text.size() != 10 || !absl::ParseCivilTime(text, &d) || absl::FormatCivilTime(d) != text) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": '", text, "' is not a date of the form YYYY-MM-DD"));
  }
  return d;
}

}  // namespace

absl::StatusOr<WorkingCalendar> WorkingCalendar::FromProto(const v1::WorkingCalendar& proto) {
  WorkingCalendar cal;
  for (int yi = 0; yi < proto.year_size(); ++yi) {
    const v1::WorkingCalendar::Year& y = proto.year(yi);
    const std::string at = absl::StrCat("year[", yi, "] (", y.year(), ")");
    if (y.year() < 1949 || y.year() > 2200) {
      return absl::InvalidArgumentError(absl::StrCat(at, ": year is out of range"));
    }
    if (cal.Covers(y.year())) return absl::InvalidArgumentError(absl::StrCat(at, ": the year is given twice"));
    if (y.source().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(at, ": source (the notice) is required"));
    }
    for (int hi = 0; hi < y.holiday_size(); ++hi) {
      const auto& h = y.holiday(hi);
      const std::string hat = absl::StrCat(at, " holiday[", hi, "] '", h.name(), "'");
      absl::StatusOr<absl::CivilDay> first = ParseDay(h.first_day(), hat + " first_day");
      if (!first.ok()) return first.status();
      absl::StatusOr<absl::CivilDay> last = ParseDay(h.last_day(), hat + " last_day");
      if (!last.ok()) return last.status();
      if (*last < *first) return absl::InvalidArgumentError(absl::StrCat(hat, ": last_day is before first_day"));
      if (first->year() != y.year() || *last - *first > 31) {
        return absl::InvalidArgumentError(
            absl::StrCat(hat, ": must start in ", y.year(), " and last at most a month"));
      }
      for (absl::CivilDay d = *first; d <= *last; ++d) cal.holidays_.insert(Key(d));
    }
    for (int wi = 0; wi < y.working_day_size(); ++wi) {
      const std::string wat = absl::StrCat(at, " working_day[", wi, "]");
      absl::StatusOr<absl::CivilDay> d = ParseDay(y.working_day(wi), wat);
      if (!d.ok()) return d.status();
      if (!IsWeekend(*d)) {
        return absl::InvalidArgumentError(
            absl::StrCat(wat, ": ", y.working_day(wi), " is not a Saturday or Sunday (only 调休 weekend days are listed)"));
      }
      cal.working_days_.insert(Key(*d));
    }
    cal.years_.push_back(y.year());
  }
  for (int64_t w : cal.working_days_) {
    if (cal.holidays_.contains(w)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "working_day ", absl::FormatCivilTime(absl::CivilDay(1970, 1, 1) + w), " lies inside a holiday"));
    }
  }
  std::sort(cal.years_.begin(), cal.years_.end());
  return cal;
}

absl::StatusOr<WorkingCalendar> WorkingCalendar::Parse(absl::string_view text, const std::string& file_name) {
  v1::WorkingCalendar proto;
  TextFormatErrors errors(file_name);
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(std::string(text), &proto)) {
    return absl::InvalidArgumentError(absl::StrJoin(errors.errors, "; "));
  }
  absl::StatusOr<WorkingCalendar> cal = FromProto(proto);
  if (!cal.ok()) return absl::InvalidArgumentError(absl::StrCat(file_name, ": ", cal.status().message()));
  return cal;
}

bool WorkingCalendar::Covers(int year) const {
  return std::find(years_.begin(), years_.end(), year) != years_.end();
}

bool WorkingCalendar::IsRestDay(absl::CivilDay day) const {
  const int64_t k = Key(day);
  if (holidays_.contains(k)) return true;
  return IsWeekend(day) && !working_days_.contains(k);
}

absl::CivilDay WorkingCalendar::MoveToWorkingDay(absl::CivilDay day) const {
  while (IsRestDay(day)) ++day;
  return day;
}

absl::CivilDay WorkingCalendar::AddWorkingDays(absl::CivilDay start, int n) const {
  absl::CivilDay d = start;
  for (int counted = 0; counted < n;) {
    ++d;
    if (!IsRestDay(d)) ++counted;
  }
  return d;
}

int WorkingCalendar::WorkingDaysBetween(absl::CivilDay from, absl::CivilDay to, int stop_above) const {
  int n = 0;
  for (absl::CivilDay d = from + 1; d <= to && n <= stop_above; ++d) {
    if (!IsRestDay(d)) ++n;
  }
  return n;
}

}  // namespace caselink::workflow
