#include "workflow/deadline_reminder.h"

#include "caselink_common/proto_time.h"

namespace caselink::workflow {

std::optional<absl::Time> ReminderTime(const v1::Deadline& d, const Settings& settings) {
  const int n = settings.config.reminder_working_days();
  if (d.window() || n <= 0 || !d.has_due_time()) return std::nullopt;
  const absl::Time due = FromProtoTime(d.due_time());
  // The last day of the period (a period of days ends at 24:00 of it).
  absl::CivilDay day = absl::ToCivilDay(due - absl::Nanoseconds(1), settings.tz);
  for (int counted = 0; counted < n;) {
    --day;
    if (!settings.calendar.IsRestDay(day)) ++counted;
  }
  const absl::Time at = absl::FromCivil(day + 1, settings.tz);
  if (d.has_start_time() && FromProtoTime(d.start_time()) >= at) return std::nullopt;
  return at;
}

bool ReminderDue(const v1::Deadline& d, const Settings& settings, absl::Time now) {
  std::optional<absl::Time> at = ReminderTime(d, settings);
  return at.has_value() && now >= *at && now < FromProtoTime(d.due_time());
}

}  // namespace caselink::workflow
