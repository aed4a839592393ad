#include "server/core/sorted_page.h"

#include <algorithm>

namespace caselink::server {

absl::StatusOr<int> SortedPageSize(const ServiceContext& sc, int32_t page_size) {
  if (page_size < 0) {
    return absl::InvalidArgumentError(absl::StrCat("page_size: must not be negative (0 means ", kDefaultSortedPageSize,
                                                   ", at most ", sc.max_page_size, ")"));
  }
  if (page_size == 0) return std::min(kDefaultSortedPageSize, sc.max_page_size);
  return std::min<int>(page_size, sc.max_page_size);
}

}  // namespace caselink::server
