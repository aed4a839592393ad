// The workflow's periods: defaults with their legal citations, and deadline
// arithmetic in the district's time zone (common/district_time_zone.h). A period of days or
// months does not count its start day and ends at 24:00 of its last day; a
// period of hours ends exactly that many hours later. Pure; thread-safe.
#pragma once

#include <optional>

#include "absl/time/time.h"
#include "caselink/v1/config.pb.h"
#include "workflow/workflow_rules.h"

namespace caselink::workflow {

// `in` with every unset period and limit replaced by its default.
v1::WorkflowConfig EffectiveWorkflowConfig(const v1::WorkflowConfig& in);

// The configured period for `id` (an empty Period for kNone).
const v1::Period& PeriodOf(const v1::WorkflowConfig& config, PeriodId id);

// When `period`, started at `start`, ends; nullopt for an empty period.
std::optional<absl::Time> PeriodEnd(absl::Time start, const v1::Period& period, absl::TimeZone tz);

}  // namespace caselink::workflow
