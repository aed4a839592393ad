#include "server/report/report_period.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"

namespace caselink::server {
namespace {

absl::StatusOr<absl::CivilDay> ParseDay(const char* field, const std::string& text) {
  if (text.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": is required (YYYY-MM-DD)"));
  absl::CivilDay day;
  // ParseCivilTime normalizes 2024-02-30 to March; a real day prints back the
  // same, so the round trip rejects impossible dates and other spellings.
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day) ||
      absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day()) != text ||
      day.year() < 1900 || day.year() > 2999) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": '", text, "' is not a date written YYYY-MM-DD"));
  }
  return day;
}

}  // namespace

absl::StatusOr<ReportPeriod> ParseReportPeriod(const std::string& from_date,
                                               const std::string& to_date, absl::TimeZone tz) {
  absl::StatusOr<absl::CivilDay> from = ParseDay("from_date", from_date);
  if (!from.ok()) return from.status();
  absl::StatusOr<absl::CivilDay> to = ParseDay("to_date", to_date);
  if (!to.ok()) return to.status();
  if (*to <= *from) {
    return absl::InvalidArgumentError(absl::StrCat("to_date: '", to_date, "' must be after from_date '",
                                                   from_date, "' (the period is [from_date, to_date))"));
  }
  ReportPeriod p;
  p.from_date = from_date;
  p.to_date = to_date;
  p.start = absl::FromCivil(*from, tz);
  p.end = absl::FromCivil(*to, tz);
  return p;
}

}  // namespace caselink::server
