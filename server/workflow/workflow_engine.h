// The storage side of every workflow handler, for both kinds of item
// (v1::Transfer, v1::SupervisionRecord): what an item becomes is decided by
// the workflow library (workflow/item_machine.h); this persists it. Each
// write is one batch through WorkflowStore: item head + history step +
// idempotency record + case links + the event for the agencies involved +
// the call's access-log entry. Reads and listings show only what the caller
// may see (workflow::CanSee); anything else answers NOT_FOUND like a missing
// item. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "caselink/v1/workflow.pb.h"
#include "server/core/call_guard.h"
#include "server/core/service_context.h"
#include "workflow/item_machine.h"

namespace caselink::server {

template <class Item>
struct ItemOutcome {
  Item item;
  bool replayed = false;
};

// Creates `draft` (its content fields set by the caller, already validated)
// with the caller as sender, in the entry's state (default the flow's
// initial one); its first period runs from draft.service_time if set, else
// from now.
template <class Item>
absl::StatusOr<ItemOutcome<Item>> CreateItem(const ServiceContext& sc, const CallScope& scope,
                                             const google::protobuf::Message& request,
                                             const std::string& request_id, Item draft,
                                             const workflow::Entry& entry = {});

// Applies one action. Errors: see WorkflowService in workflow.proto.
template <class Item>
absl::StatusOr<ItemOutcome<Item>> ActOnItem(const ServiceContext& sc, const CallScope& scope,
                                            const v1::WorkflowActionRequest& req);

// An item the caller may see, and its history (oldest first).
template <class Item>
absl::StatusOr<Item> GetItem(const ServiceContext& sc, const CallScope& scope, const std::string& id,
                             std::vector<v1::Transition>* history);

// One page of the items the caller may see, ordered by id.
template <class Item>
absl::StatusOr<std::vector<Item>> ListItems(const ServiceContext& sc, const CallScope& scope,
                                            const v1::ListItemsRequest& req,
                                            std::string* next_page_token);

// One page of the caller's overdue items (ListOverdue): the four kinds in the
// order of the response's fields, each by id, sharing the page's limits; the
// page token resumes in the kind its position's id names. Every item's cases
// are named in the call's access-log entry.
absl::Status ListOverdue(const ServiceContext& sc, const CallScope& scope, const v1::ListOverdueRequest& req,
                         v1::ListOverdueResponse* resp);

// What the document service needs of the workflow item a document belongs
// to: its cases, and what the workflow lets the caller do with it.
struct ItemAccess {
  std::string id;
  std::vector<std::string> case_ids;
  bool visible = false;  // a participant, the procuratorate or the justice bureau (workflow::CanSee)
  uint8_t parties = 0;   // the workflow::Party bits the caller holds
};

// The transfer ('T…') or supervision record ('S…') `id`. NOT_FOUND naming
// it if there is none (whether the caller may see it is the caller's check).
absl::StatusOr<ItemAccess> LoadItemAccess(const ServiceContext& sc, const CallScope& scope, const std::string& id);

}  // namespace caselink::server
