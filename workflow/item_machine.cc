#include "workflow/item_machine.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "caselink_common/district_time_zone.h"
#include "caselink_common/proto_time.h"
#include "caselink_common/status_macros.h"
#include "workflow/workflow_config.h"

namespace caselink::workflow {
namespace {

bool Contains(const google::protobuf::RepeatedPtrField<std::string>& list, const std::string& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

template <class Item>
std::string PartyNames(const Item& item, uint8_t parties) {
  std::vector<std::string> names;
  if (parties & kSender) names.push_back(absl::StrCat("sender (", item.sender_agency(), ")"));
  if (parties & kReceiver) names.push_back(absl::StrCat("receiver (", item.receiver_agency(), ")"));
  if (parties & kProcuratorate) names.push_back("procuratorate");
  return absl::StrJoin(names, " or ");
}

template <class Item>
absl::Time ItemStart(const Item& item) {
  return FromProtoTime(item.has_service_time() ? item.service_time() : item.create_time());
}

// Sets the deadline of the item's (new) state: its period counted from the
// state's origin (the item's start, or `entered`).
template <class Item>
void StartDeadline(const Settings& settings, absl::Time entered, Item* item) {
  item->clear_deadline();
  const StateRule* rule = FindStateRule(ItemKind<Item>::FlowOf(*item), item->state());
  if (rule == nullptr) return;
  if (rule->period == PeriodId::kItemDue) {
    absl::StatusOr<absl::Time> due = DueDateEnd(settings, "due_date", ItemKind<Item>::DueDate(*item));
    if (!due.ok()) return;  // checked when the item was created
    v1::Deadline* d = item->mutable_deadline();
    *d->mutable_due_time() = ToProtoTime(*due);
    d->set_party_agency(rule->party & kSender ? item->sender_agency() : item->receiver_agency());
    d->set_rule(absl::StrCat(ItemKind<Item>::kNoun, " due ", ItemKind<Item>::DueDate(*item)));
    *d->mutable_start_time() = ToProtoTime(ItemStart(*item));
    return;
  }
  const v1::Period& period = PeriodOf(settings.config, ItemKind<Item>::Resolve(rule->period, *item));
  const absl::Time start = rule->origin == Origin::kItemStart ? ItemStart(*item) : entered;
  std::optional<absl::Time> due = PeriodEnd(start, period, settings.tz, settings.calendar);
  if (!due.has_value()) return;
  v1::Deadline* d = item->mutable_deadline();
  *d->mutable_due_time() = ToProtoTime(*due);
  // A period of the procuratorate (any agency with the role) names no agency.
  if (rule->party & kSender) {
    d->set_party_agency(item->sender_agency());
  } else if (rule->party & kReceiver) {
    d->set_party_agency(item->receiver_agency());
  }
  d->set_rule(period.citation());
  d->set_window(rule->window);
  *d->mutable_start_time() = ToProtoTime(start);
}

// The next rung of the police decision's extension ladder, from the start of
// the current period (items written before start_time existed: their last
// step, which is when they entered the state).
template <class Item>
absl::Status ExtendDeadline(const Settings& settings, const std::string& what, Item* item) {
  const auto& ladder = settings.config.police_decision_extension();
  const int used = item->deadline().extensions();
  if (used >= ladder.size()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no further extension of ", what, ": it has been extended ", used, " time(s), the most the "
        "district's extension ladder (workflow.police_decision_extension) allows"));
  }
  const v1::Extension& rung = ladder[used];
  v1::Deadline* d = item->mutable_deadline();
  const absl::Time start = d->has_start_time() ? FromProtoTime(d->start_time())
                                               : FromProtoTime(item->last_transition().time());
  std::optional<absl::Time> due = PeriodEnd(start, rung.period(), settings.tz, settings.calendar);
  if (!due.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat("workflow.police_decision_extension[", used, "] is empty"));
  }
  *d->mutable_due_time() = ToProtoTime(*due);
  *d->mutable_start_time() = ToProtoTime(start);
  d->set_rule(absl::StrCat(rung.period().citation(), " (批准: ", rung.approving_level(), ")"));
  d->set_extensions(used + 1);
  return absl::OkStatus();
}

// 国务院令第310号 第七条: a case outside the receiver's competence is sent on
// within 24 hours; later, the item says so.
template <class Item>
void AddLateNote(const Settings&, absl::Time, absl::Time, Item*) {}
template <>
void AddLateNote(const Settings& settings, absl::Time received, absl::Time now, v1::Transfer* t) {
  if (now - received > absl::Hours(24)) {
    t->add_late_notes(absl::StrCat("forwarded to ", t->receiver_agency(), " after 24 hours (",
                                   "国务院令第310号 第七条: 不属于本机关管辖的, 应当在24小时内转送有管辖权的机关; received ",
                                   absl::FormatTime("%Y-%m-%d %H:%M", received, settings.tz), ")"));
  }
}

template <class Item>
void SetAdoption(v1::Adoption, Item*) {}
template <>
void SetAdoption(v1::Adoption a, v1::SupervisionRecord* r) {
  if (a != v1::ADOPTION_UNSPECIFIED) r->set_adoption(a);
}

}  // namespace

absl::StatusOr<Settings> Settings::From(const v1::WorkflowConfig& config, WorkingCalendar calendar) {
  CASELINK_RETURN_IF_ERROR(ValidateWorkflowConfig(config));
  Settings s;
  s.calendar = std::move(calendar);
  s.config = EffectiveWorkflowConfig(config);
  absl::StatusOr<absl::TimeZone> tz = LoadDistrictTimeZone(s.config.time_zone());
  if (!tz.ok()) return absl::InvalidArgumentError(absl::StrCat("workflow.time_zone: ", tz.status().message()));
  s.tz = *tz;
  return s;
}

template <class Item>
std::string What(const std::string& id) {
  return absl::StrCat(ItemKind<Item>::kNoun, " '", id, "'");
}

template <class Item>
absl::Status ItemNotFound(const std::string& id) {
  return absl::NotFoundError(absl::StrCat(What<Item>(id), " not found"));
}

template <class Item>
bool CanSee(const Actor& actor, const Item& item) {
  return Contains(item.participants(), actor.agency_id) || ItemKind<Item>::SeenByRole(actor);
}

template <class Item>
uint8_t ActorParties(const Actor& actor, const Item& item) {
  uint8_t p = 0;
  if (item.sender_agency() == actor.agency_id) p |= kSender;
  if (item.receiver_agency() == actor.agency_id) p |= kReceiver;
  if (actor.Has(v1::PROCURATORATE)) p |= kProcuratorate;
  return p;
}

absl::StatusOr<absl::Time> DueDateEnd(const Settings& settings, const std::string& field,
                                      const std::string& date) {
  absl::CivilDay day;
  if (date.size() != 10 || !absl::ParseCivilTime(date, &day)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": \"", date, "\" is not a date YYYY-MM-DD"));
  }
  if (settings.calendar.IsRestDay(day)) day = settings.calendar.MoveToWorkingDay(day);
  return absl::FromCivil(day + 1, settings.tz);
}

bool IsOverdue(const v1::Deadline& deadline, absl::Time now) {
  return !deadline.window() && now >= FromProtoTime(deadline.due_time());
}

template <class Item>
void MarkOverdue(absl::Time now, Item* item) {
  item->set_overdue(item->has_deadline() && IsOverdue(item->deadline(), now));
}

template <class Item>
absl::StatusOr<Step<Item>> Create(const Settings& settings, const Actor& actor, const std::string& id,
                                  Item draft, absl::Time now, const Entry& entry) {
  const Flow& flow = ItemKind<Item>::FlowOf(draft);
  const v1::WorkflowState state = entry.state == v1::STATE_UNSPECIFIED ? flow.initial : entry.state;
  const EntryRule* rule = FindEntryRule(flow, state);
  if (rule == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("a ", flow.name, " cannot be created in ", v1::WorkflowState_Name(state)));
  }
  const std::string& agency = actor.agency_id;
  draft.set_id(id);
  draft.set_state(state);
  draft.set_sender_agency(agency);
  draft.clear_participants();
  draft.add_participants(agency);
  if (!rule->addressed) {
    draft.clear_receiver_agency();
  } else if (draft.receiver_agency() != agency) {
    draft.add_participants(draft.receiver_agency());
  }
  draft.set_step(1);
  *draft.mutable_create_time() = ToProtoTime(now);
  *draft.mutable_update_time() = ToProtoTime(now);
  v1::Transition t;
  t.set_step(1);
  t.set_action(v1::ACTION_CREATE);
  t.set_to_state(draft.state());
  t.set_actor_agency(agency);
  *t.mutable_time() = ToProtoTime(now);
  t.set_reason(entry.reason);
  *t.mutable_materials() = draft.materials();
  *draft.mutable_last_transition() = t;
  StartDeadline(settings, now, &draft);
  return Step<Item>{std::move(draft), std::move(t), rule->notify_procuratorate};
}

template <class Item>
absl::StatusOr<Step<Item>> Act(const Settings& settings, const Actor& actor, const Item& cur,
                               const v1::WorkflowActionRequest& req, absl::Time now) {
  if (!CanSee(actor, cur)) return ItemNotFound<Item>(cur.id());
  CASELINK_ASSIGN_OR_RETURN(
      const TransitionRule* rule,
      FindRule(ItemKind<Item>::FlowOf(cur), cur.state(), req.action(), ActorParties(actor, cur),
               What<Item>(cur.id()), [&](uint8_t p) { return PartyNames(cur, p); }));
  CASELINK_RETURN_IF_ERROR(CheckRequired(*rule, req));
  if (rule->within_period && cur.has_deadline() && now >= FromProtoTime(cur.deadline().due_time())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the period for ", v1::WorkflowAction_Name(req.action()), " on ", What<Item>(cur.id()),
        " ended at ",
        absl::FormatTime("%Y-%m-%d %H:%M %Z", FromProtoTime(cur.deadline().due_time()), settings.tz),
        " (", cur.deadline().rule(), ")"));
  }
  Item next = cur;
  next.set_state(rule->to);
  next.set_step(cur.step() + 1);
  *next.mutable_update_time() = ToProtoTime(now);
  if (!Contains(next.participants(), actor.agency_id)) next.add_participants(actor.agency_id);
  if (!req.linked_case_id().empty() && !Contains(next.case_ids(), req.linked_case_id())) {
    next.add_case_ids(req.linked_case_id());
  }
  v1::Transition t;
  t.set_step(next.step());
  t.set_action(req.action());
  t.set_from_state(cur.state());
  t.set_to_state(rule->to);
  t.set_actor_agency(actor.agency_id);
  *t.mutable_time() = ToProtoTime(now);
  t.set_reason(req.reason());
  *t.mutable_materials() = req.materials();
  t.set_linked_case_id(req.linked_case_id());
  t.set_reference(req.reference());
  t.set_adoption(req.adoption());
  t.set_approver(req.approver());
  if (rule->requires & kNeedsForwardTo) {
    // 转送: the competent agency receives it from now on; its own period
    // starts with its receipt (the rule's Clock::kStart).
    t.set_forward_to_agency(req.forward_to_agency());
    next.set_receiver_agency(req.forward_to_agency());
    if (!Contains(next.participants(), req.forward_to_agency())) next.add_participants(req.forward_to_agency());
    const absl::Time received = cur.has_deadline() && cur.deadline().has_start_time()
                                    ? FromProtoTime(cur.deadline().start_time())
                                    : FromProtoTime(cur.last_transition().time());
    AddLateNote(settings, received, now, &next);
  }
  SetAdoption(req.adoption(), &next);
  *next.mutable_last_transition() = t;
  next.clear_overdue();
  switch (rule->clock) {
    case Clock::kKeep: break;
    case Clock::kExtend: CASELINK_RETURN_IF_ERROR(ExtendDeadline(settings, What<Item>(cur.id()), &next)); break;
    case Clock::kStart: StartDeadline(settings, now, &next); break;
  }
  return Step<Item>{std::move(next), std::move(t), rule->notify_procuratorate};
}

#define CASELINK_INSTANTIATE(Item)                                                                  \
  template std::string What<Item>(const std::string&);                                              \
  template absl::Status ItemNotFound<Item>(const std::string&);                                     \
  template bool CanSee<Item>(const Actor&, const Item&);                                            \
  template uint8_t ActorParties<Item>(const Actor&, const Item&);                                   \
  template void MarkOverdue<Item>(absl::Time, Item*);                                               \
  template absl::StatusOr<Step<Item>> Create<Item>(const Settings&, const Actor&, const std::string&, \
                                                   Item, absl::Time, const Entry&);                 \
  template absl::StatusOr<Step<Item>> Act<Item>(const Settings&, const Actor&, const Item&,         \
                                                const v1::WorkflowActionRequest&, absl::Time);
CASELINK_INSTANTIATE(v1::Transfer)
CASELINK_INSTANTIATE(v1::SupervisionRecord)
CASELINK_INSTANTIATE(v1::Rectification)
CASELINK_INSTANTIATE(v1::DecisionItem)
#undef CASELINK_INSTANTIATE

}  // namespace caselink::workflow
