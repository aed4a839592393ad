#include "server/workflow/workflow_engine.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "caselink/v1/workflow_storage.pb.h"
#include "caselink_common/request_digest.h"
#include "caselink_common/status_macros.h"
#include "server/core/access_logger.h"
#include "server/core/item_entry.h"
#include "server/workflow/document_materials.h"
#include "server/workflow/item_answers.h"
#include "server/meetings/meeting_access.h"
#include "server/core/page_token.h"
#include "server/core/request_validator.h"
#include "server/workflow/item_event.h"
#include "server/workflow/named_case.h"
#include "server/workflow/workflow_actor.h"
#include "storage/case_id.h"
#include "storage/workflow_store.h"
#include "workflow/creation_rules.h"
#include "workflow/item_machine.h"

namespace caselink::server {
namespace {

using workflow::ItemKind;
using workflow::ItemNotFound;

bool Contains(const google::protobuf::RepeatedPtrField<std::string>& list, const std::string& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

// Where each kind of item is stored and how its events look.
template <class Item>
struct Traits;

template <>
struct Traits<v1::Transfer> {
  static constexpr storage::ItemTables kTables{storage::Table::kTransfers,
                                               storage::Table::kTransferHistory};
  static constexpr const char* kLink = storage::kTransferLink;
  static v1::EventKind Kind(bool created) {
    return created ? v1::EVENT_TRANSFER_CREATED : v1::EVENT_TRANSFER_CHANGED;
  }
};

template <>
struct Traits<v1::SupervisionRecord> {
  static constexpr storage::ItemTables kTables{storage::Table::kSupervision,
                                               storage::Table::kSupervisionHistory};
  static constexpr const char* kLink = storage::kSupervisionLink;
  static v1::EventKind Kind(bool created) {
    return created ? v1::EVENT_SUPERVISION_CREATED : v1::EVENT_SUPERVISION_CHANGED;
  }
};

template <>
struct Traits<v1::Rectification> {
  static constexpr storage::ItemTables kTables{storage::Table::kRectifications,
                                               storage::Table::kRectificationHistory};
  static constexpr const char* kLink = storage::kRectificationLink;
  static v1::EventKind Kind(bool created) {
    return created ? v1::EVENT_RECTIFICATION_CREATED : v1::EVENT_RECTIFICATION_CHANGED;
  }
};

template <>
struct Traits<v1::DecisionItem> {
  static constexpr storage::ItemTables kTables{storage::Table::kDecisions, storage::Table::kDecisionHistory};
  static constexpr const char* kLink = storage::kDecisionLink;
  static v1::EventKind Kind(bool created) {
    return created ? v1::EVENT_DECISION_CREATED : v1::EVENT_DECISION_CHANGED;
  }
};

// Everything one transition writes besides head, step and request record.
template <class Item>
storage::TransitionWrite BuildWrite(const ServiceContext& sc, const CallScope& scope,
                                    const Item& after, const v1::Transition& t,
                                    bool notify_procuratorate) {
  storage::TransitionWrite w;
  w.step = t.step();
  w.transition = t.SerializeAsString();
  w.item_after = after.SerializeAsString();
  for (const std::string& case_id : after.case_ids()) {
    for (const std::string& agency : after.participants()) {
      w.puts.push_back(sc.workflow->links->LinkPut(case_id, agency, Traits<Item>::kLink));
    }
  }
  v1::StoredEvent ev;
  v1::Event* e = ev.mutable_event();
  *e->mutable_time() = t.time();
  const bool reply = t.action() == v1::ACTION_REPLY || t.action() == v1::ACTION_REPLY_PENALTY ||
                     t.action() == v1::ACTION_REPLY_NO_PENALTY || t.action() == v1::ACTION_REPORT_PROGRESS;
  e->set_kind(reply ? v1::EVENT_REPLY : Traits<Item>::Kind(t.action() == v1::ACTION_CREATE));
  e->set_item_id(after.id());
  *e->mutable_transition() = t;
  EmbedItem(after, e);
  for (const std::string& case_id : after.case_ids()) {
    auto c = sc.cases->Get(case_id, 0);
    if (c.ok()) *e->add_cases() = std::move(*c);
  }
  for (const std::string& agency : after.participants()) ev.add_addressees(agency);
  if (notify_procuratorate) {
    for (const std::string& p : PolicyDirectory(scope).AgenciesWith(v1::PROCURATORATE)) {
      if (!Contains(ev.addressees(), p)) ev.add_addressees(p);
    }
  }
  w.appends.push_back(storage::EventLog::MakeAppend(ev));
  return w;
}

template <class Item>
absl::StatusOr<Item> Parse(const std::string& bytes) {
  Item item;
  if (!item.ParseFromString(bytes)) return absl::DataLossError("stored workflow item is corrupted");
  return item;
}

template <class Item>
absl::StatusOr<ItemOutcome<Item>> Finish(const ServiceContext& sc,
                                         absl::StatusOr<storage::TransitionOutcome> out,
                                         const std::string& id) {
  // The item missing is told in the service's words; a case or document the
  // action names that is missing (or not the caller's to see) is told as is.
  if (storage::IsMissingItem(out.status())) return ItemNotFound<Item>(id);
  if (!out.ok()) return out.status();
  CASELINK_ASSIGN_OR_RETURN(Item item, Parse<Item>(out->item_after));
  workflow::MarkOverdue(sc.now(), &item);
  return ItemOutcome<Item>{std::move(item), out->replayed};
}

// The call's access-log entry joins the step's batch (access_logger.h):
// a committed step always has its entry, a failed batch has neither.
template <class Item>
std::function<absl::Status(storage::CommitRequest*)> AccessLogAttach(const ServiceContext& sc,
                                                                     const CallScope& scope,
                                                                     const Item* after) {
  if (sc.access_log == nullptr) return nullptr;
  return [&sc, &scope, after](storage::CommitRequest* commit) {
    const std::vector<std::string> cases(after->case_ids().begin(), after->case_ids().end());
    // The answer is the item: its text's fields and parties go into this entry.
    return AttachItemEntryFor(sc, scope, after->id(), cases, after, commit);
  };
}

}  // namespace

template <class Item>
absl::StatusOr<ItemOutcome<Item>> CreateItem(const ServiceContext& sc, const CallScope& scope,
                                             const google::protobuf::Message& request,
                                             const std::string& request_id, Item draft,
                                             const workflow::Entry& entry) {
  const WorkflowContext& wf = *sc.workflow;
  const std::shared_ptr<const workflow::Settings> settings = wf.settings->Get();
  const absl::Time now = sc.now();
  std::string id = storage::NewCaseId(now, settings->tz);
  id[0] = ItemKind<Item>::kIdPrefix;
  const std::string& agency = scope.principal.agency_id;
  // Drafts the materials name become the new item's documents in its batch.
  CASELINK_ASSIGN_OR_RETURN(std::vector<storage::Put> attached,
                            AttachDrafts(sc, id, now, draft.mutable_materials()));
  CASELINK_ASSIGN_OR_RETURN(const workflow::Step<Item> step,
                            workflow::Create(*settings, ActorOf(scope), id, std::move(draft), now, entry));

  storage::TransitionCommand cmd;
  cmd.tables = Traits<Item>::kTables;
  cmd.agency = agency;
  cmd.request_id = request_id;
  // Typed: creations of different kinds share the caller's namespace of
  // request ids and can serialize alike (a reverse transfer, a 检察意见).
  // Records stored before hold the untyped digest, still matched.
  cmd.request_digest = TypedRequestDigest(request);
  cmd.legacy_request_digest = RequestDigest(request);
  cmd.item_id = id;
  cmd.create = true;
  cmd.decide = [&](const std::optional<std::string>&) -> absl::StatusOr<storage::TransitionWrite> {
    storage::TransitionWrite w = BuildWrite(sc, scope, step.item, step.transition, step.notify_procuratorate);
    w.puts.insert(w.puts.end(), attached.begin(), attached.end());
    return w;
  };
  cmd.attach = AccessLogAttach(sc, scope, &step.item);
  return Finish<Item>(sc, wf.store->Apply(cmd), id);
}

template <class Item>
absl::StatusOr<ItemOutcome<Item>> ActOnItem(const ServiceContext& sc, const CallScope& scope,
                                            const v1::WorkflowActionRequest& req) {
  CASELINK_RETURN_IF_ERROR(ValidateRequestId("request_id", req.request_id()));
  CASELINK_RETURN_IF_ERROR(ValidateCaseId("id", req.id()));
  if (!v1::WorkflowAction_IsValid(req.action()) || req.action() == v1::ACTION_UNSPECIFIED ||
      req.action() == v1::ACTION_CREATE) {
    return absl::InvalidArgumentError("action: is required (one of the ACTION_* values but ACTION_CREATE)");
  }
  const WorkflowContext& wf = *sc.workflow;
  const std::shared_ptr<const workflow::Settings> settings = wf.settings->Get();
  storage::TransitionCommand cmd;
  cmd.tables = Traits<Item>::kTables;
  cmd.agency = scope.principal.agency_id;
  cmd.request_id = req.request_id();
  cmd.request_digest = TypedRequestDigest(req);  // as CreateItem's
  cmd.legacy_request_digest = RequestDigest(req);
  cmd.item_id = req.id();
  Item after;  // set by decide, named by the access-log entry
  cmd.attach = AccessLogAttach(sc, scope, &after);
  cmd.decide = [&](const std::optional<std::string>& head) -> absl::StatusOr<storage::TransitionWrite> {
    CASELINK_ASSIGN_OR_RETURN(Item cur, Parse<Item>(*head));
    // Before anything that reads what the item holds (its documents): an
    // item the caller may not see is answered as a missing one, never told
    // apart by what its materials' errors would say.
    if (!workflow::CanSee(ActorOf(scope), cur)) return ItemNotFound<Item>(req.id());
    // The state machine first (state, party, required fields): an action the
    // item's state does not allow is FAILED_PRECONDITION whatever documents
    // it names. Act is pure, and what resolving changes (a material's kind,
    // hash, title) none of its checks reads, so it is run again below on the
    // resolved request for the step to store.
    const absl::Time now = sc.now();  // one time for both runs
    CASELINK_RETURN_IF_ERROR(workflow::Act(*settings, ActorOf(scope), cur, req, now).status());
    // The request as stored in the step: materials naming a document get its
    // kind, hash and name (the digest above stays that of what was sent).
    v1::WorkflowActionRequest resolved = req;
    CASELINK_RETURN_IF_ERROR(ResolveDocumentMaterials(sc, req.id(), resolved.mutable_materials()));
    CASELINK_ASSIGN_OR_RETURN(workflow::Step<Item> step,
                              workflow::Act(*settings, ActorOf(scope), cur, resolved, now));
    if (!req.linked_case_id().empty()) {
      CASELINK_RETURN_IF_ERROR(CheckNamedCase(sc, scope, "linked_case_id", req.linked_case_id(),
                                              NamedCaseRule::kOwn, "link your own penalty case"));
    }
    if (!req.forward_to_agency().empty()) {
      // The competent body is another police agency of the district.
      absl::Status to = workflow::CheckReceiver(workflow::ForwardTransferCreation(), ActorOf(scope),
                                                req.forward_to_agency(), PolicyDirectory(scope));
      if (!to.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "forward_to_agency: ", absl::StripPrefix(to.message(), "receiver_agency: ")));
      }
    }
    after = step.item;
    return BuildWrite(sc, scope, step.item, step.transition, step.notify_procuratorate);
  };
  return Finish<Item>(sc, wf.store->Apply(cmd), req.id());
}

template <class Item>
absl::StatusOr<Item> GetItem(const ServiceContext& sc, const CallScope& scope, const std::string& id,
                             std::vector<v1::Transition>* history) {
  CASELINK_RETURN_IF_ERROR(ValidateCaseId("id", id));
  const WorkflowContext& wf = *sc.workflow;
  auto bytes = wf.store->Head(Traits<Item>::kTables.head, id);
  if (absl::IsNotFound(bytes.status())) return ItemNotFound<Item>(id);
  if (!bytes.ok()) return bytes.status();
  CASELINK_ASSIGN_OR_RETURN(Item item, Parse<Item>(*bytes));
  if (!workflow::CanSee(ActorOf(scope), item)) return ItemNotFound<Item>(id);
  workflow::MarkOverdue(sc.now(), &item);
  if (history != nullptr) {
    CASELINK_ASSIGN_OR_RETURN(std::vector<std::string> steps,
                              wf.store->History(Traits<Item>::kTables.history, id));
    for (const std::string& s : steps) {
      v1::StoredStep step;
      if (!step.ParseFromString(s)) return absl::DataLossError("stored workflow step is corrupted");
      history->push_back(step.transition());
    }
  }
  return item;
}

namespace {

// What one page may hold, shared by every kind of item the page reads: a
// page ends at `limit` items shown or after `max_examined` rows read,
// visible or not (its token then resumes after the last one read).
struct PageBudget {
  size_t limit = 0;
  int max_examined = 0;
  size_t shown = 0;
  int examined = 0;
  bool full() const { return shown >= limit || examined >= max_examined; }
};

absl::StatusOr<PageBudget> BudgetOf(const ServiceContext& sc, int32_t page_size) {
  if (page_size < 0 || page_size > sc.max_page_size) {
    return absl::InvalidArgumentError(absl::StrCat("page_size: must be between 0 and ", sc.max_page_size));
  }
  if (sc.page_tokens == nullptr) return absl::FailedPreconditionError("page tokens are not configured");
  PageBudget b;
  b.limit = page_size == 0 ? 50 : page_size;
  b.max_examined = sc.max_rows_examined_per_page;
  return b;
}

// Reads the heads of one kind after `after`, in id order, appending to `out`
// the items the caller may see that `keep` accepts (marked overdue or not as
// of now), until the budget is full. Returns true if a row the page would
// show is left after a full page, or the rows examined reached the budget;
// `*last` is the id of the last row taken or passed over. A full page looks
// ahead for a row to show rather than answering "more" because some row
// follows: rows the caller may not see must not turn a page's token on.
template <class Item, class Keep>
absl::StatusOr<bool> ScanItems(const ServiceContext& sc, const CallScope& scope, const std::string& after,
                               const Keep& keep, PageBudget* budget, std::vector<Item>* out, std::string* last) {
  const workflow::Actor actor = ActorOf(scope);
  const absl::Time now = sc.now();
  absl::Status parse_status;
  bool more = false;
  CASELINK_RETURN_IF_ERROR(sc.workflow->store->ScanHeads(
      Traits<Item>::kTables.head, after, [&](const std::string& id, const std::string& bytes) {
        if (budget->examined >= budget->max_examined) {
          more = true;
          return false;
        }
        ++budget->examined;
        auto item = Parse<Item>(bytes);
        if (!item.ok()) {
          parse_status = item.status();
          return false;
        }
        if (!workflow::CanSee(actor, *item)) {
          *last = id;
          return true;
        }
        workflow::MarkOverdue(now, &*item);
        if (!keep(*item)) {
          *last = id;
          return true;
        }
        if (budget->shown >= budget->limit) {
          more = true;  // the next page starts at this row
          return false;
        }
        *last = id;
        ++budget->shown;
        out->push_back(std::move(*item));
        return true;
      }));
  CASELINK_RETURN_IF_ERROR(parse_status);
  return more;
}

// The overdue part of a page for one kind, into `field`; returns true if the
// page filled up with rows of the kind left.
template <class Item>
absl::StatusOr<bool> OverdueOfKind(const ServiceContext& sc, const CallScope& scope, const std::string& after,
                                   PageBudget* budget, google::protobuf::RepeatedPtrField<Item>* field,
                                   std::string* last) {
  // A position in another kind (an earlier one: later ones are not read)
  // starts this kind at its first id.
  const std::string from = after.empty() || after[0] != ItemKind<Item>::kIdPrefix ? std::string() : after;
  std::vector<Item> items;
  CASELINK_ASSIGN_OR_RETURN(const bool left, ScanItems<Item>(sc, scope, from, [](const Item& i) { return i.overdue(); },
                                                             budget, &items, last));
  for (Item& i : items) *field->Add() = std::move(i);
  return left;
}

}  // namespace

template <class Item>
absl::StatusOr<std::vector<Item>> ListItems(const ServiceContext& sc, const CallScope& scope,
                                            const v1::ListItemsRequest& req, std::string* next_page_token) {
  CASELINK_ASSIGN_OR_RETURN(PageBudget budget, BudgetOf(sc, req.page_size()));
  // Bound to the caller, the RPC (transfers or supervision) and the state filter.
  const PageScope where = PageScope::For(scope, req);
  CASELINK_ASSIGN_OR_RETURN(const std::string after, sc.page_tokens->Open(req.page_token(), where));
  std::vector<Item> out;
  std::string last;
  CASELINK_ASSIGN_OR_RETURN(
      const bool more,
      ScanItems<Item>(
          sc, scope, after,
          [&](const Item& i) { return req.state() == v1::STATE_UNSPECIFIED || i.state() == req.state(); },
          &budget, &out, &last));
  if (next_page_token != nullptr && more) {
    CASELINK_ASSIGN_OR_RETURN(*next_page_token, sc.page_tokens->Seal(where, last));
  }
  return out;
}

absl::Status ListOverdue(const ServiceContext& sc, const CallScope& scope, const v1::ListOverdueRequest& req,
                         v1::ListOverdueResponse* resp) {
  CASELINK_ASSIGN_OR_RETURN(PageBudget budget, BudgetOf(sc, req.page_size()));
  const PageScope where = PageScope::For(scope, req);
  CASELINK_ASSIGN_OR_RETURN(const std::string after, sc.page_tokens->Open(req.page_token(), where));
  // The kinds in order; a position (an item id) names its kind by its prefix.
  const std::string order = {ItemKind<v1::Transfer>::kIdPrefix, ItemKind<v1::SupervisionRecord>::kIdPrefix,
                             ItemKind<v1::Rectification>::kIdPrefix, ItemKind<v1::DecisionItem>::kIdPrefix};
  const size_t start = after.empty() ? 0 : order.find(after[0]);
  if (start == std::string::npos) return absl::InternalError("a sealed ListOverdue position names no kind of item");
  std::string last = after;
  bool more = false;
  bool full = false;
  // After each kind: a page that filled up ends here; it has a next page if
  // rows of this kind are left, or later kinds may hold some (that page may
  // then be empty, with no token).
  auto close_kind = [&](bool left, bool last_kind) {
    full = left || budget.full();
    more = left || (full && !last_kind);
  };
  if (!full && start <= 0) {
    CASELINK_ASSIGN_OR_RETURN(bool left, OverdueOfKind<v1::Transfer>(sc, scope, after, &budget,
                                                                     resp->mutable_transfers(), &last));
    close_kind(left, false);
  }
  if (!full && start <= 1) {
    CASELINK_ASSIGN_OR_RETURN(bool left, OverdueOfKind<v1::SupervisionRecord>(sc, scope, after, &budget,
                                                                              resp->mutable_records(), &last));
    close_kind(left, false);
  }
  if (!full && start <= 2) {
    CASELINK_ASSIGN_OR_RETURN(bool left, OverdueOfKind<v1::Rectification>(sc, scope, after, &budget,
                                                                          resp->mutable_rectifications(), &last));
    close_kind(left, false);
  }
  if (!full && start <= 3) {
    CASELINK_ASSIGN_OR_RETURN(bool left, OverdueOfKind<v1::DecisionItem>(sc, scope, after, &budget,
                                                                         resp->mutable_decisions(), &last));
    close_kind(left, true);
  }
  if (more) {
    CASELINK_ASSIGN_OR_RETURN(*resp->mutable_next_page_token(), sc.page_tokens->Seal(where, last));
  }
  return absl::OkStatus();
}

namespace {

template <class Item>
absl::StatusOr<ItemAccess> AccessTo(const ServiceContext& sc, const CallScope& scope, const std::string& id) {
  auto bytes = sc.workflow->store->Head(Traits<Item>::kTables.head, id);
  if (absl::IsNotFound(bytes.status())) return ItemNotFound<Item>(id);
  if (!bytes.ok()) return bytes.status();
  CASELINK_ASSIGN_OR_RETURN(Item item, Parse<Item>(*bytes));
  const workflow::Actor actor = ActorOf(scope);
  ItemAccess out;
  out.id = id;
  out.case_ids.assign(item.case_ids().begin(), item.case_ids().end());
  out.visible = workflow::CanSee(actor, item);
  out.parties = workflow::ActorParties(actor, item);
  return out;
}

}  // namespace

absl::StatusOr<ItemAccess> LoadItemAccess(const ServiceContext& sc, const CallScope& scope, const std::string& id) {
  CASELINK_RETURN_IF_ERROR(ValidateCaseId("item_id", id));
  if (id[0] == ItemKind<v1::Transfer>::kIdPrefix) return AccessTo<v1::Transfer>(sc, scope, id);
  if (id[0] == ItemKind<v1::SupervisionRecord>::kIdPrefix) return AccessTo<v1::SupervisionRecord>(sc, scope, id);
  if (id[0] == ItemKind<v1::Rectification>::kIdPrefix) return AccessTo<v1::Rectification>(sc, scope, id);
  if (id[0] == ItemKind<v1::DecisionItem>::kIdPrefix) return AccessTo<v1::DecisionItem>(sc, scope, id);
  if (id[0] == kMeetingIdPrefix) return MeetingAccess(sc, scope, id);  // its minutes (会议纪要)
  return absl::NotFoundError(absl::StrCat("item '", id,
                                          "' not found (a transfer id starts with T, a supervision record's "
                                          "with S, a rectification notice's with R, a decision item's with A, "
                                          "a meeting's with M)"));
}

#define CASELINK_INSTANTIATE(Item)                                                              \
  template absl::StatusOr<ItemOutcome<Item>> CreateItem<Item>(                                  \
      const ServiceContext&, const CallScope&, const google::protobuf::Message&,                \
      const std::string&, Item, const workflow::Entry&);                                        \
  template absl::StatusOr<ItemOutcome<Item>> ActOnItem<Item>(const ServiceContext&,             \
                                                            const CallScope&,                   \
                                                            const v1::WorkflowActionRequest&);  \
  template absl::StatusOr<Item> GetItem<Item>(const ServiceContext&, const CallScope&,          \
                                              const std::string&, std::vector<v1::Transition>*); \
  template absl::StatusOr<std::vector<Item>> ListItems<Item>(                                   \
      const ServiceContext&, const CallScope&, const v1::ListItemsRequest&, std::string*);
CASELINK_INSTANTIATE(v1::Transfer)
CASELINK_INSTANTIATE(v1::SupervisionRecord)
CASELINK_INSTANTIATE(v1::Rectification)
CASELINK_INSTANTIATE(v1::DecisionItem)
#undef CASELINK_INSTANTIATE

}  // namespace caselink::server
