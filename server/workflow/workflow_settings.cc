#include "server/workflow/workflow_settings.h"

#include "absl/strings/str_cat.h"
#include "caselink_common/read_file.h"
#include "spdlog/spdlog.h"

namespace caselink::server {

absl::StatusOr<workflow::Settings> LoadWorkflowSettings(const v1::WorkflowConfig& config) {
  workflow::WorkingCalendar calendar;
  const std::string& file = config.calendar_file();
  if (!file.empty()) {
    absl::StatusOr<std::string> text = ReadFileOr(file, "working calendar");
    if (!text.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("workflow.calendar_file: ", text.status().message()));
    }
    absl::StatusOr<workflow::WorkingCalendar> parsed = workflow::WorkingCalendar::Parse(*text, file);
    if (!parsed.ok()) return parsed.status();
    calendar = *std::move(parsed);
  }
  absl::StatusOr<workflow::Settings> settings = workflow::Settings::From(config, std::move(calendar));
  if (!settings.ok()) return settings.status();
  const int this_year = absl::ToCivilYear(absl::Now(), settings->tz).year();
  if (!settings->calendar.Covers(this_year)) {
    spdlog::warn("the working calendar{} has no holidays for {}: only Saturdays and Sundays count as rest "
                 "days, so periods ending on a public holiday are not moved (set workflow.calendar_file; "
                 "docs/workflow.md)",
                 file.empty() ? "" : " " + file, this_year);
  }
  return settings;
}

}  // namespace caselink::server
