// The district's time zone: the one place a zone name becomes an
// absl::TimeZone. Dates a person writes (a report's 2024-04-01, a ledger's
// 送达日期, the day in a case id, a period's "24:00 of the last day") are read
// in it. A name tzdata does not know is a configuration error, never a silent
// fallback; only the default, when the machine has no tzdata at all, falls
// back to fixed UTC+08:00 (China has kept no daylight saving since 1991).
#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace caselink {

inline constexpr char kDefaultDistrictTimeZone[] = "Asia/Shanghai";

// `name` ("" means kDefaultDistrictTimeZone). INVALID_ARGUMENT naming the zone
// if tzdata does not know it.
absl::StatusOr<absl::TimeZone> LoadDistrictTimeZone(absl::string_view name);

// The default zone (Asia/Shanghai, else fixed +08:00). Never fails.
absl::TimeZone DefaultDistrictTimeZone();

}  // namespace caselink
