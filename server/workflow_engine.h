// The one shared step of every workflow handler, for both kinds of item
// (v1::Transfer, v1::SupervisionRecord): create an item, apply an action
// through the flow's table (workflow_rules.h), read and list what the caller
// may see, with deadlines and overdue computed against the server's clock.
// Each write is one batch through WorkflowStore: item head + history step +
// idempotency record + case links + the event for the agencies involved.
//
// An item is visible to its participants (sender, receiver, agencies that
// acted on it) and to agencies with the PROCURATORATE or JUSTICE role
// (supervision); to anyone else it answers NOT_FOUND like a missing one.
// Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "caselink/v1/workflow.pb.h"
#include "server/call_guard.h"
#include "server/service_context.h"

namespace caselink::server {

template <class Item>
struct ItemOutcome {
  Item item;
  bool replayed = false;
};

// Creates `draft` (its content fields set by the caller, already validated)
// with the caller as sender. `deadline_start`: when the first period starts
// (InfinitePast = now).
template <class Item>
absl::StatusOr<ItemOutcome<Item>> CreateItem(const ServiceContext& sc, const CallScope& scope,
                                             const google::protobuf::Message& request,
                                             const std::string& request_id, Item draft,
                                             absl::Time deadline_start);

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
                                            const v1::ListItemsRequest& req, bool overdue_only,
                                            std::string* next_page_token);

// Whether an item with this deadline is overdue at `now`: the deadline is
// not a window (an optional action's period) and has passed. The one rule
// behind Item.overdue, ListOverdue and the joint-meeting report.
bool IsOverdue(const v1::Deadline& deadline, absl::Time now);

// Roles of the caller, for creation checks.
bool HasRole(const CallScope& scope, v1::Role role);
// The roles of `agency` in the call's policy; empty if the agency is unknown.
std::vector<v1::Role> AgencyRoles(const CallScope& scope, const std::string& agency);

}  // namespace caselink::server
