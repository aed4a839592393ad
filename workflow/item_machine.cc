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

// Sets the deadline of the item's (new) state, starting at `start`.
template <class Item>
void SetDeadline(const Settings& settings, absl::Time start, Item* item) {
  item->clear_deadline();
  const StateRule* rule = FindStateRule(ItemKind<Item>::FlowOf(*item), item->state());
  if (rule == nullptr) return;
  const v1::Period& period = PeriodOf(settings.config, rule->period);
  std::optional<absl::Time> due = PeriodEnd(start, period, settings.tz);
  if (!due.has_value()) return;
  v1::Deadline* d = item->mutable_deadline();
  *d->mutable_due_time() = ToProtoTime(*due);
  d->set_party_agency(rule->party & kSender ? item->sender_agency() : item->receiver_agency());
  d->set_rule(period.citation());
  d->set_window(rule->window);
}

}  // namespace

absl::StatusOr<Settings> Settings::From(const v1::WorkflowConfig& config) {
  Settings s;
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
  return Contains(item.participants(), actor.agency_id) || actor.Has(v1::PROCURATORATE) ||
         actor.Has(v1::JUSTICE);
}

template <class Item>
uint8_t ActorParties(const Actor& actor, const Item& item) {
  uint8_t p = 0;
  if (item.sender_agency() == actor.agency_id) p |= kSender;
  if (item.receiver_agency() == actor.agency_id) p |= kReceiver;
  if (actor.Has(v1::PROCURATORATE)) p |= kProcuratorate;
  return p;
}

bool IsOverdue(const v1::Deadline& deadline, absl::Time now) {
  return !deadline.window() && now >= FromProtoTime(deadline.due_time());
}

template <class Item>
void MarkOverdue(absl::Time now, Item* item) {
  item->set_overdue(item->has_deadline() && IsOverdue(item->deadline(), now));
}

template <class Item>
Step<Item> Create(const Settings& settings, const Actor& actor, const std::string& id, Item draft,
                  absl::Time now, absl::Time deadline_start) {
  const std::string& agency = actor.agency_id;
  draft.set_id(id);
  draft.set_state(ItemKind<Item>::FlowOf(draft).initial);
  draft.set_sender_agency(agency);
  draft.clear_participants();
  draft.add_participants(agency);
  if (draft.receiver_agency() != agency) draft.add_participants(draft.receiver_agency());
  draft.set_step(1);
  *draft.mutable_create_time() = ToProtoTime(now);
  *draft.mutable_update_time() = ToProtoTime(now);
  v1::Transition t;
  t.set_step(1);
  t.set_action(v1::ACTION_CREATE);
  t.set_to_state(draft.state());
  t.set_actor_agency(agency);
  *t.mutable_time() = ToProtoTime(now);
  *t.mutable_materials() = draft.materials();
  *draft.mutable_last_transition() = t;
  SetDeadline(settings, deadline_start == absl::InfinitePast() ? now : deadline_start, &draft);
  return Step<Item>{std::move(draft), std::move(t), false};
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
  *next.mutable_last_transition() = t;
  next.clear_overdue();
  SetDeadline(settings, now, &next);
  return Step<Item>{std::move(next), std::move(t), rule->notify_procuratorate};
}

#define CASELINK_INSTANTIATE(Item)                                                                  \
  template std::string What<Item>(const std::string&);                                              \
  template absl::Status ItemNotFound<Item>(const std::string&);                                     \
  template bool CanSee<Item>(const Actor&, const Item&);                                            \
  template uint8_t ActorParties<Item>(const Actor&, const Item&);                                   \
  template void MarkOverdue<Item>(absl::Time, Item*);                                               \
  template Step<Item> Create<Item>(const Settings&, const Actor&, const std::string&, Item,          \
                                   absl::Time, absl::Time);                                         \
  template absl::StatusOr<Step<Item>> Act<Item>(const Settings&, const Actor&, const Item&,         \
                                                const v1::WorkflowActionRequest&, absl::Time);
CASELINK_INSTANTIATE(v1::Transfer)
CASELINK_INSTANTIATE(v1::SupervisionRecord)
#undef CASELINK_INSTANTIATE

}  // namespace caselink::workflow
