// New case ids: "C" + the creation date (in the district's time zone,
// YYYYMMDD) + "-" + 12
// random base32 characters. Sortable by day, unguessable within a day, and
// made only of [A-Z0-9-], so they are safe in keys, URLs and file names.
#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace caselink::storage {

std::string NewCaseId(absl::Time now, absl::TimeZone tz);

// True when `id` has exactly the shape NewCaseId makes ("C", eight digits,
// "-", twelve characters of its alphabet). Says nothing of whether such a
// case exists: it tells an id the server made from text a caller put where
// an id goes.
bool HasNewCaseIdShape(absl::string_view id);

}  // namespace caselink::storage
