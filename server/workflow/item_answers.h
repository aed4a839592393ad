// The answers every workflow-item RPC gives, whatever the kind of item
// (transfer, supervision record, rectification notice, decision item): the
// item, its history or a page of items put into the RPC's own response
// message, and the item named in the call's access record (its cases are
// named by the response filter, as every case_ref field of every answer).
// One place for what WorkflowService, OversightService and MeetingService
// handlers share. Header-only templates over workflow_engine.h.
#pragma once

#include <string>
#include <vector>

#include "caselink_common/status_macros.h"
#include "server/core/call_guard.h"
#include "server/workflow/workflow_engine.h"

namespace caselink::server {

// A creation's or an action's outcome into `resp` (its item field and
// `replayed`).
template <class Item, class Response>
absl::Status AnswerOutcome(const CallScope& scope, absl::StatusOr<ItemOutcome<Item>> out,
                           Item* (Response::*item)(), Response* resp) {
  if (!out.ok()) return out.status();
  if (scope.record != nullptr) scope.record->item_id = out->item.id();
  *(resp->*item)() = std::move(out->item);
  resp->set_replayed(out->replayed);
  return absl::OkStatus();
}

template <class Item, class Response>
absl::Status AnswerAction(const ServiceContext& sc, const CallScope& scope, const v1::WorkflowActionRequest& req,
                          Item* (Response::*item)(), Response* resp) {
  if (scope.record != nullptr) scope.record->item_id = req.id();
  return AnswerOutcome(scope, ActOnItem<Item>(sc, scope, req), item, resp);
}

// An item and its history (oldest first) into `resp`.
template <class Item, class Response>
absl::Status AnswerGet(const ServiceContext& sc, const CallScope& scope, const std::string& id,
                       Item* (Response::*item)(), Response* resp) {
  if (scope.record != nullptr) scope.record->item_id = id;
  std::vector<v1::Transition> history;
  CASELINK_ASSIGN_OR_RETURN(*(resp->*item)(), GetItem<Item>(sc, scope, id, &history));
  for (v1::Transition& t : history) *resp->add_history() = std::move(t);
  return absl::OkStatus();
}

// One page of items into `resp` (its list field and next_page_token).
template <class Item, class Response>
absl::Status AnswerList(const ServiceContext& sc, const CallScope& scope, const v1::ListItemsRequest& req,
                        google::protobuf::RepeatedPtrField<Item>* (Response::*items)(), Response* resp) {
  CASELINK_ASSIGN_OR_RETURN(std::vector<Item> page,
                            ListItems<Item>(sc, scope, req, resp->mutable_next_page_token()));
  for (Item& i : page) *(resp->*items)()->Add() = std::move(i);
  return absl::OkStatus();
}

}  // namespace caselink::server
