// Who may see and read a document of a workflow item. Visibility: the
// workflow lets the caller see the item (a participant, the procuratorate,
// the justice bureau), or a policy rule granting the call's RPC selects one of
// the item's cases; anything else is NOT_FOUND, exactly like a missing
// document. Reading the content: the policy's decision for the document's
// sensitivity class under those rules must be ALLOW, so a policy withholds a
// class (PERMISSION_DENIED naming it). Uploading: the caller must hold a part
// in the item (sender, receiver or the procuratorate).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "auth/field_plan.h"
#include "caselink/v1/document.pb.h"
#include "server/core/call_guard.h"
#include "server/core/service_context.h"
#include "server/workflow/workflow_engine.h"

namespace caselink::server {

// The NOT_FOUND of every path that names an item: a missing item and one the
// caller may not see answer exactly the same.
absl::Status ItemNotFound(const std::string& item_id);

// The item `item_id`, or ItemNotFound.
absl::StatusOr<ItemAccess> LoadItem(const ServiceContext& sc, const CallScope& scope, const std::string& item_id);

// The caller's plan for the documents of `item` through the call's RPC, or
// `not_found` if the item is invisible to it.
absl::StatusOr<auth::FieldPlan> DocumentPlan(const ServiceContext& sc, const CallScope& scope,
                                             const ItemAccess& item, const absl::Status& not_found);

// PERMISSION_DENIED naming the class and the rules unless `plan` allows the
// content of `doc`.
absl::Status CheckContentReadable(const CallScope& scope, const auth::FieldPlan& plan, const v1::Document& doc);

// NOT_FOUND if the item is invisible to the caller; PERMISSION_DENIED if it
// holds no part in it.
absl::Status CheckUploader(const CallScope& scope, const ItemAccess& item);

}  // namespace caselink::server
