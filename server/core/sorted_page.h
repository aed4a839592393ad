// One page of a listing the server builds in memory and sorts (meetings,
// reviews, screening hits), behind the same sealed page tokens as the
// scanned listings (page_token.h). The position a token holds is the sort
// key of the last row returned, not an offset, so rows added between two
// pages neither repeat a row nor skip one; the token is set only if a row
// follows (every row given here is one the caller may see).
//
//   CASELINK_RETURN_IF_ERROR(ServeSortedPage(sc, PageScope::For(scope, req), req.page_size(),
//       req.page_token(), std::move(visible), MeetingKey, SortOrder::kDescending,
//       resp->mutable_meetings(), resp->mutable_next_page_token()));
#pragma once

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "caselink_common/status_macros.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "server/core/page_token.h"
#include "server/core/service_context.h"

namespace caselink::server {

enum class SortOrder { kAscending, kDescending };

// A page of 1..max_page_size rows (more is cut to it); 0 means
// kDefaultSortedPageSize.
inline constexpr int kDefaultSortedPageSize = 100;

// The page size a request asks for, or INVALID_ARGUMENT naming page_size.
absl::StatusOr<int> SortedPageSize(const ServiceContext& sc, int32_t page_size);

// `rows` are the rows the caller may see, in any order; `key(row)` is unique
// per row and orders the list (ascending keys, or descending). Fills `out`
// with the page after the token's position and `next_page_token` if rows
// are left.
template <class Row, class Key>
absl::Status ServeSortedPage(const ServiceContext& sc, const PageScope& where, int32_t page_size,
                             const std::string& page_token, std::vector<Row> rows, const Key& key, SortOrder order,
                             google::protobuf::RepeatedPtrField<Row>* out, std::string* next_page_token) {
  CASELINK_ASSIGN_OR_RETURN(const int limit, SortedPageSize(sc, page_size));
  if (sc.page_tokens == nullptr) return absl::FailedPreconditionError("page tokens are not configured");
  CASELINK_ASSIGN_OR_RETURN(const std::string after, sc.page_tokens->Open(page_token, where));
  std::vector<std::pair<std::string, Row*>> keyed;
  keyed.reserve(rows.size());
  for (Row& r : rows) keyed.emplace_back(key(r), &r);
  const bool ascending = order == SortOrder::kAscending;
  std::sort(keyed.begin(), keyed.end(), [ascending](const auto& a, const auto& b) {
    return ascending ? a.first < b.first : a.first > b.first;
  });
  auto past = [&](const std::string& k) { return after.empty() || (ascending ? k > after : k < after); };
  size_t i = 0;
  while (i < keyed.size() && !past(keyed[i].first)) ++i;
  for (; i < keyed.size() && out->size() < limit; ++i) *out->Add() = std::move(*keyed[i].second);
  if (i < keyed.size() && out->size() > 0) {
    CASELINK_ASSIGN_OR_RETURN(*next_page_token, sc.page_tokens->Seal(where, keyed[i - 1].first));
  }
  return absl::OkStatus();
}

}  // namespace caselink::server
