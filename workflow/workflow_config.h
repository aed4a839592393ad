// The workflow's periods: defaults with their legal citations, and deadline
// arithmetic in the district's time zone (common/district_time_zone.h) and
// working calendar (working_calendar.h). A period of days or months does not
// count its start day and ends at 24:00 of its last day, moved to the next
// working day if that day is a rest day (民法典 第二百零三条); a period of
// working days counts working days; a period of hours ends exactly that many
// hours later. Pure; thread-safe.
#pragma once

#include <optional>

#include "absl/time/time.h"
#include "caselink/v1/config.pb.h"
#include "workflow/working_calendar.h"
#include "workflow/workflow_rules.h"

namespace caselink::workflow {

// `in` with every unset period and limit replaced by its default.
v1::WorkflowConfig EffectiveWorkflowConfig(const v1::WorkflowConfig& in);

// The configured period for `id` (an empty Period for kNone).
const v1::Period& PeriodOf(const v1::WorkflowConfig& config, PeriodId id);

// When `period`, started at `start`, ends; nullopt for an empty period.
std::optional<absl::Time> PeriodEnd(absl::Time start, const v1::Period& period, absl::TimeZone tz,
                                    const WorkingCalendar& calendar);

// INVALID_ARGUMENT naming the field for a negative period, a working-day
// period mixed with other units, or an extension ladder that does not grow.
absl::Status ValidateWorkflowConfig(const v1::WorkflowConfig& config);

}  // namespace caselink::workflow
