// When the party that must act on an item is reminded of its deadline
// (EVENT_DEADLINE_APPROACHING): WorkflowConfig.reminder_working_days working
// days before the period's last day, counted with the working calendar. No
// reminder for a window (an optional action), when reminders are off, or when
// the state began inside the reminder span (the event that began it already
// told the party). Pure; thread-safe.
#pragma once

#include <optional>

#include "absl/time/time.h"
#include "caselink/v1/workflow.pb.h"
#include "workflow/item_machine.h"

namespace caselink::workflow {

// The moment from which the reminder is due, or nullopt for none.
std::optional<absl::Time> ReminderTime(const v1::Deadline& deadline, const Settings& settings);

// Whether a reminder is due at `now`: past ReminderTime and before the deadline.
bool ReminderDue(const v1::Deadline& deadline, const Settings& settings, absl::Time now);

}  // namespace caselink::workflow
