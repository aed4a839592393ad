// The working calendar (workflow/working_calendar.h) on the district's real
// file, config/working-calendar.textproto, and the periods counted with it
// (workflow_config.h PeriodEnd): 国庆 2025 and 春节 2026, the two long
// holidays that raised false overdue flags, plus the file's validation.
#include "workflow/working_calendar.h"

#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "workflow/workflow_config.h"

namespace caselink::workflow {
namespace {

using ::testing::HasSubstr;
using D = absl::CivilDay;

WorkingCalendar DistrictCalendar() {
  const std::string path = std::string(CASELINK_SOURCE_DIR) + "/config/working-calendar.textproto";
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  absl::StatusOr<WorkingCalendar> cal = WorkingCalendar::Parse(ss.str(), path);
  EXPECT_TRUE(cal.ok()) << cal.status();
  return cal.ok() ? *cal : WorkingCalendar();
}

absl::TimeZone Shanghai() {
  absl::TimeZone tz;
  EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &tz));
  return tz;
}

// The day whose 24:00 a period ends at.
D LastDay(D start, const v1::Period& p, const WorkingCalendar& cal) {
  const absl::Time s = absl::FromCivil(absl::CivilSecond(start.year(), start.month(), start.day(), 10, 0, 0), Shanghai());
  std::optional<absl::Time> end = PeriodEnd(s, p, Shanghai(), cal);
  EXPECT_TRUE(end.has_value());
  return absl::ToCivilDay(*end, Shanghai()) - 1;
}

v1::Period Days(int n) {
  v1::Period p;
  p.set_days(n);
  return p;
}
v1::Period WorkingDays(int n) {
  v1::Period p;
  p.set_working_days(n);
  return p;
}

TEST(WorkingCalendarTest, TheDistrictFileCoversThreeYears) {
  const WorkingCalendar cal = DistrictCalendar();
  EXPECT_THAT(cal.years(), ::testing::ElementsAre(2024, 2025, 2026));
}

TEST(WorkingCalendarTest, NationalDay2025) {
  const WorkingCalendar cal = DistrictCalendar();
  // 国办发明电〔2024〕12号: 10-01..10-08 off; Sunday 09-28 and Saturday 10-11 worked.
  for (D d = D(2025, 10, 1); d <= D(2025, 10, 8); ++d) EXPECT_TRUE(cal.IsRestDay(d)) << d;
  EXPECT_FALSE(cal.IsRestDay(D(2025, 9, 28)));
  EXPECT_FALSE(cal.IsRestDay(D(2025, 10, 11)));
  EXPECT_TRUE(cal.IsRestDay(D(2025, 10, 12)));
  // A 3-day police decision received on 09-28 would end on 10-01: it moves
  // to the first working day after the holiday, 10-09 (民法典 第二百零三条).
  EXPECT_EQ(LastDay(D(2025, 9, 28), Days(3), cal), D(2025, 10, 9));
  // Without the calendar only the weekend counts: 10-01 stays (the false
  // overdue flag this calendar removes).
  EXPECT_EQ(LastDay(D(2025, 9, 28), Days(3), WorkingCalendar()), D(2025, 10, 1));
  // Working days skip the holiday and count the 调休 Saturday.
  EXPECT_EQ(LastDay(D(2025, 9, 30), WorkingDays(3), cal), D(2025, 10, 11));
  EXPECT_EQ(cal.WorkingDaysBetween(D(2025, 9, 30), D(2025, 10, 11)), 3);
  // Capped: stops once past the threshold, still "more than" it.
  EXPECT_EQ(cal.WorkingDaysBetween(D(2025, 9, 30), D(2025, 10, 11), 1), 2);
  EXPECT_EQ(cal.WorkingDaysBetween(D(2025, 9, 30), D(2025, 10, 11), 3), 3);
  EXPECT_EQ(cal.WorkingDaysBetween(D(2024, 1, 1), D(2026, 1, 1), 30), 31);
}

TEST(WorkingCalendarTest, SpringFestival2026) {
  const WorkingCalendar cal = DistrictCalendar();
  // 国办发明电〔2025〕7号: 02-15..02-23 off; Saturdays 02-14 and 02-28 worked.
  for (D d = D(2026, 2, 15); d <= D(2026, 2, 23); ++d) EXPECT_TRUE(cal.IsRestDay(d)) << d;
  EXPECT_FALSE(cal.IsRestDay(D(2026, 2, 14)));
  EXPECT_FALSE(cal.IsRestDay(D(2026, 2, 28)));
  // Received Thursday 02-12: day 3 is 02-15, the first day of the holiday.
  EXPECT_EQ(LastDay(D(2026, 2, 12), Days(3), cal), D(2026, 2, 24));
  // Day 2 is the worked Saturday 02-14: it does not move.
  EXPECT_EQ(LastDay(D(2026, 2, 12), Days(2), cal), D(2026, 2, 14));
  // A two-month period from 2025-12-15 ends 2026-02-15: moved to 02-24.
  v1::Period two_months;
  two_months.set_months(2);
  EXPECT_EQ(LastDay(D(2025, 12, 15), two_months, cal), D(2026, 2, 24));
  // Hours are not moved: 24 hours from 02-14 10:00 end 02-15 10:00.
  v1::Period hours;
  hours.set_hours(24);
  const absl::Time s = absl::FromCivil(absl::CivilSecond(2026, 2, 14, 10, 0, 0), Shanghai());
  EXPECT_EQ(*PeriodEnd(s, hours, Shanghai(), cal), s + absl::Hours(24));
}

TEST(WorkingCalendarTest, MalformedFilesAreRefusedNamingTheEntry) {
  struct Bad {
    const char* text;
    const char* says;
  };
  const Bad bad[] = {
      {R"(year { year: 2025 source: "n" holiday { name: "国庆" first_day: "2025-10-1" last_day: "2025-10-08" } })",
       "YYYY-MM-DD"},
      {R"(year { year: 2025 source: "n" holiday { name: "国庆" first_day: "2025-10-08" last_day: "2025-10-01" } })",
       "before first_day"},
      {R"(year { year: 2025 source: "n" working_day: "2025-10-10" })", "not a Saturday or Sunday"},
      {R"(year { year: 2025 source: "n" holiday { name: "国庆" first_day: "2025-10-01" last_day: "2025-10-08" } working_day: "2025-10-04" })",
       "inside a holiday"},
      {R"(year { year: 2025 source: "n" } year { year: 2025 source: "n" })", "given twice"},
      {R"(year { year: 2025 })", "source"},
      {R"(year { year: 2024 source: "n" holiday { name: "x" first_day: "2025-01-01" last_day: "2025-01-01" } })",
       "must start in 2024"},
      {R"(year { yaer: 2025 })", "f.textproto:1:"},
  };
  for (const Bad& b : bad) {
    absl::StatusOr<WorkingCalendar> cal = WorkingCalendar::Parse(b.text, "f.textproto");
    EXPECT_EQ(cal.status().code(), absl::StatusCode::kInvalidArgument) << b.text;
    EXPECT_THAT(std::string(cal.status().message()), HasSubstr(b.says)) << b.text;
  }
}

}  // namespace
}  // namespace caselink::workflow
