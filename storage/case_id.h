// New case ids: "C" + the creation date (in the district's time zone,
// YYYYMMDD) + "-" + 12
// random base32 characters. Sortable by day, unguessable within a day, and
// made only of [A-Z0-9-], so they are safe in keys, URLs and file names.
#pragma once

#include <string>

#include "absl/time/time.h"

namespace caselink::storage {

std::string NewCaseId(absl::Time now, absl::TimeZone tz);

}  // namespace caselink::storage
