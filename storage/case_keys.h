// Key encodings of the case tables. Versions sort numerically because the
// version is big-endian; a case id never contains '\0' (validated upstream).
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace caselink::storage {

std::string CaseVersionKey(absl::string_view case_id, int64_t version);
// The prefix shared by every version key of a case.
std::string CaseVersionPrefix(absl::string_view case_id);
std::string RequestKey(absl::string_view agency, absl::string_view request_id);
// The date index's key: date \0 case_id, by date then id (a NUL sorts below
// every character of a date, so keys in [from, to) are dates in [from, to)).
std::string CaseDateKey(absl::string_view date, absl::string_view case_id);
// The meta key naming the time zone the date index was built in; empty (or
// absent) while it is not whole.
inline constexpr char kCaseDatesZoneKey[] = "case_dates_zone";

}  // namespace caselink::storage
