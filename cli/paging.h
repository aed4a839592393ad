// Following page tokens for --all: calls `fetch` until the server returns no
// next_page_token and gathers every page's cases into the first response.
// Works for any request/response pair with page_token / cases /
// next_page_token fields (ListCases, SearchCases, ...).
#pragma once

#include <utility>

#include "absl/status/statusor.h"

namespace caselink::cli {

template <typename Request, typename Response, typename Fetch>
absl::StatusOr<Response> FetchAllPages(Request request, Fetch fetch) {
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
    for (auto& c : *next->mutable_cases()) *all.add_cases() = std::move(c);
    all.set_next_page_token(next->next_page_token());
  }
  return all;
}

}  // namespace caselink::cli
