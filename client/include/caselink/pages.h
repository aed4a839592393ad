// Every page of a paged listing, merged: follows next_page_token until the
// server gives none. For the listings that page (ListCases, SearchCases, the
// workflow lists, ListMeetings, ListReviews, ListHits) when a caller wants
// them whole; each page is a call of its own (its own deadline, its own
// access-log entry), and an error on any page is the answer.
//
//   v1::ListMeetingsRequest req;
//   req.set_from_date("2024-01-01");
//   absl::StatusOr<v1::ListMeetingsResponse> all =
//       caselink::AllPages(req, [&](const v1::ListMeetingsRequest& r) { return client->ListMeetings(r); });
#pragma once

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace caselink {

// `page(request)` returns one page (absl::StatusOr<Response>); Response has
// a next_page_token and Request a page_token. At most `max_pages` calls
// (a guard against a server that never ends a listing): more is an error.
template <class Request, class Page>
auto AllPages(Request request, const Page& page, int max_pages = 100000)
    -> decltype(page(request)) {
  using Answer = decltype(page(request));
  typename Answer::value_type all;
  for (int n = 0; n < max_pages; ++n) {
    Answer one = page(request);
    if (!one.ok()) return one.status();
    std::string next = std::move(*one->mutable_next_page_token());
    one->clear_next_page_token();
    all.MergeFrom(*one);
    if (next.empty()) return all;
    request.set_page_token(std::move(next));
  }
  return absl::ResourceExhaustedError("the listing did not end after max_pages pages");
}

}  // namespace caselink
