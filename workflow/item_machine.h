// The workflow of one item (v1::Transfer or v1::SupervisionRecord) as pure
// functions: who may see it, what a creation or an action turns it into, and
// its deadline and overdue flag, all from the tables of workflow_rules.h and
// the periods of workflow_config.h. No storage, no clock, no transport: the
// caller passes `now` and persists the Step it gets back (server/workflow/).
// Thread-safe.
//
//   Settings s = Settings::From(config);
//   absl::StatusOr<Step<v1::Transfer>> step = Act(s, actor, current, request, now);
//   if (step.ok()) store(step->item, step->transition);
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "caselink/v1/config.pb.h"
#include "caselink/v1/workflow.pb.h"
#include "workflow/actor.h"
#include "workflow/working_calendar.h"
#include "workflow/workflow_rules.h"

namespace caselink::workflow {

// The district's workflow settings: every period (defaults filled in), the
// zone and the working calendar periods are counted in.
struct Settings {
  v1::WorkflowConfig config;  // EffectiveWorkflowConfig applied
  absl::TimeZone tz;
  WorkingCalendar calendar;
  // INVALID_ARGUMENT if the configured time zone is unknown or a period is
  // malformed (ValidateWorkflowConfig).
  static absl::StatusOr<Settings> From(const v1::WorkflowConfig& config,
                                       WorkingCalendar calendar = WorkingCalendar());
};

// What differs between the kinds of item.
template <class Item>
struct ItemKind;
template <>
struct ItemKind<v1::Transfer> {
  static constexpr char kIdPrefix = 'T';
  static constexpr const char* kNoun = "transfer";
  static const Flow& FlowOf(const v1::Transfer& t) {
    return t.direction() == v1::TRANSFER_REVERSE ? ReverseTransferFlow() : ForwardTransferFlow();
  }
  static PeriodId Resolve(PeriodId id, const v1::Transfer&) { return id; }
  static std::string DueDate(const v1::Transfer&) { return ""; }
  static bool SeenByRole(const Actor& a) { return a.Has(v1::PROCURATORATE) || a.Has(v1::JUSTICE); }
};
template <>
struct ItemKind<v1::SupervisionRecord> {
  static constexpr char kIdPrefix = 'S';
  static constexpr const char* kNoun = "supervision record";
  static const Flow& FlowOf(const v1::SupervisionRecord&) { return SupervisionFlow(); }
  static PeriodId Resolve(PeriodId id, const v1::SupervisionRecord& r) {
    return id == PeriodId::kSupervisionReply ? SupervisionReplyPeriod(r) : id;
  }
  static std::string DueDate(const v1::SupervisionRecord&) { return ""; }
  static bool SeenByRole(const Actor& a) { return a.Has(v1::PROCURATORATE) || a.Has(v1::JUSTICE); }
};
// 整改通知 of a campaign: the justice bureau issues, the procuratorate sits on
// the inspection team; both see every notice.
template <>
struct ItemKind<v1::Rectification> {
  static constexpr char kIdPrefix = 'R';
  static constexpr const char* kNoun = "rectification notice";
  static const Flow& FlowOf(const v1::Rectification&) { return RectificationFlow(); }
  static PeriodId Resolve(PeriodId id, const v1::Rectification&) { return id; }
  static std::string DueDate(const v1::Rectification& r) { return r.due_date(); }
  static bool SeenByRole(const Actor& a) { return a.Has(v1::PROCURATORATE) || a.Has(v1::JUSTICE); }
};
// 议定事项: the government, which convenes the joint meeting, also sees them.
template <>
struct ItemKind<v1::DecisionItem> {
  static constexpr char kIdPrefix = 'A';
  static constexpr const char* kNoun = "decision item";
  static const Flow& FlowOf(const v1::DecisionItem&) { return DecisionFlow(); }
  static PeriodId Resolve(PeriodId id, const v1::DecisionItem&) { return id; }
  static std::string DueDate(const v1::DecisionItem& d) { return d.due_date(); }
  static bool SeenByRole(const Actor& a) {
    return a.Has(v1::PROCURATORATE) || a.Has(v1::JUSTICE) || a.Has(v1::GOVERNMENT);
  }
};

// "transfer 'T20240305-…'", for messages.
template <class Item>
std::string What(const std::string& id);
// NOT_FOUND naming the item: also the answer for an item the actor may not
// see, so a refusal never tells that it exists.
template <class Item>
absl::Status ItemNotFound(const std::string& id);

// An item is visible to its participants (sender, receiver, agencies that
// acted on it) and to agencies with the PROCURATORATE or JUSTICE role (a
// decision item also to the GOVERNMENT: ItemKind::SeenByRole).
template <class Item>
bool CanSee(const Actor& actor, const Item& item);

// The Party bits (workflow_rules.h) the actor holds on the item.
template <class Item>
uint8_t ActorParties(const Actor& actor, const Item& item);

// Whether an item with this deadline is overdue at `now`: the deadline is not
// a window (an optional action's period) and has passed. The one rule behind
// Item.overdue, ListOverdue and the joint-meeting report.
bool IsOverdue(const v1::Deadline& deadline, absl::Time now);

// The end of a due date "YYYY-MM-DD" (24:00 in the district's zone), moved
// to the next working day when the calendar has it as a rest day.
// INVALID_ARGUMENT naming `field` if it is not a real date.
absl::StatusOr<absl::Time> DueDateEnd(const Settings& settings, const std::string& field,
                                      const std::string& date);
// Sets item.overdue from its deadline.
template <class Item>
void MarkOverdue(absl::Time now, Item* item);

// One step of an item: the item after it and the transition that led there.
template <class Item>
struct Step {
  Item item;
  v1::Transition transition;
  // The step's event also goes to every procuratorate (the rule says so).
  bool notify_procuratorate = false;
};

// How an item comes into being: in its flow's initial state unless `state`
// names another entry of the flow (EntryRule), with the creation's reason
// (a 不批准移送's reasons) on its first transition.
struct Entry {
  v1::WorkflowState state = v1::STATE_UNSPECIFIED;
  std::string reason;
};

// The item `draft` (its content fields set and validated by the caller;
// service_time, if set, is when it was served) becomes when `actor` creates
// it as `id` at `now`: the entry's state, the actor as sender and first
// participant (the receiver too if the entry is addressed), step 1, and the
// deadline of that state counted from its service (service_time, else now).
// FAILED_PRECONDITION if the flow has no entry in `entry.state`.
template <class Item>
absl::StatusOr<Step<Item>> Create(const Settings& settings, const Actor& actor, const std::string& id,
                                  Item draft, absl::Time now, const Entry& entry = {});

// The step `req.action` by `actor` takes `current` to at `now`. Errors, in
// this order: NOT_FOUND (the actor may not see the item); FAILED_PRECONDITION
// naming the state and the actions it allows; PERMISSION_DENIED naming who may
// act; INVALID_ARGUMENT naming a required field that is missing;
// FAILED_PRECONDITION if the state's period ended and the rule must act within
// it, or if no rung of the extension ladder is left. Whether
// `req.linked_case_id` is a case of the actor is the caller's check.
//
// The new state's deadline follows the rule's Clock: kKeep leaves it as it
// is; kExtend moves it to the next rung of the extension ladder, counted from
// the period's start; kStart counts the new state's period from the state's
// Origin (the item's service for kItemStart, else `now`).
template <class Item>
absl::StatusOr<Step<Item>> Act(const Settings& settings, const Actor& actor, const Item& current,
                               const v1::WorkflowActionRequest& req, absl::Time now);

}  // namespace caselink::workflow
