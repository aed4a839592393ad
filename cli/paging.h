// Following page tokens for --all: calls `fetch` until the server returns no
// next_page_token and gathers every page's items into the first response.
// Works for any request/response pair with page_token / next_page_token
// fields: the items are the response's `cases` (ListCases, SearchCases, ...)
// or the repeated field `items` returns (ListRectifications, ...).
//
// Example:
//   auto all = FetchAllPages<v1::ListItemsRequest, v1::ListDecisionsResponse>(
//       req, [&](const v1::ListItemsRequest& r) { return client->ListDecisions(r); },
//       [](v1::ListDecisionsResponse& r) { return r.mutable_decisions(); });
#pragma once

#include <utility>

#include "absl/status/statusor.h"

namespace caselink::cli {

// `items(response)` is the response's repeated field of items (a pointer to it).
template <typename Request, typename Response, typename Fetch, typename Items>
absl::StatusOr<Response> FetchAllPages(Request request, Fetch fetch, Items items) {
  absl::StatusOr<Response> first = fetch(request);
  if (!first.ok()) return first;
  Response all = *std::move(first);
  while (!all.next_page_token().empty()) {
    if (all.next_page_token() == request.page_token()) {
      return absl::InternalError("the server returned the same page token twice");
    }
    request.set_page_token(all.next_page_token());
    absl::StatusOr<Response> next = fetch(request);
    if (!next.ok()) return next.status();
    for (auto& item : *items(*next)) *items(all)->Add() = std::move(item);
    all.set_next_page_token(next->next_page_token());
  }
  return all;
}

template <typename Request, typename Response, typename Fetch>
absl::StatusOr<Response> FetchAllPages(Request request, Fetch fetch) {
  return FetchAllPages<Request, Response>(std::move(request), std::move(fetch),
                                          [](Response& r) { return r.mutable_cases(); });
}

}  // namespace caselink::cli
