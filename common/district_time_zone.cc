#include "caselink_common/district_time_zone.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace caselink {

absl::TimeZone DefaultDistrictTimeZone() {
  absl::TimeZone tz;
  if (!absl::LoadTimeZone(kDefaultDistrictTimeZone, &tz)) tz = absl::FixedTimeZone(8 * 3600);
  return tz;
}

absl::StatusOr<absl::TimeZone> LoadDistrictTimeZone(absl::string_view name) {
  if (name.empty() || name == kDefaultDistrictTimeZone) return DefaultDistrictTimeZone();
  absl::TimeZone tz;
  if (!absl::LoadTimeZone(std::string(name), &tz)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "time zone '", name, "' is not known to tzdata; use an IANA name such as ",
        kDefaultDistrictTimeZone));
  }
  return tz;
}

}  // namespace caselink
