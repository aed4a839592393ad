#include "storage/case_keys.h"

#include "absl/strings/str_cat.h"

namespace caselink::storage {

std::string CaseVersionPrefix(absl::string_view case_id) {
  return absl::StrCat(case_id, absl::string_view("\0", 1));
}

std::string CaseVersionKey(absl::string_view case_id, int64_t version) {
  std::string k = CaseVersionPrefix(case_id);
  uint64_t v = static_cast<uint64_t>(version);
  for (int shift = 56; shift >= 0; shift -= 8) k.push_back(static_cast<char>((v >> shift) & 0xff));
  return k;
}

std::string RequestKey(absl::string_view agency, absl::string_view request_id) {
  return absl::StrCat(agency, absl::string_view("\0", 1), request_id);
}

std::string CaseDateKey(absl::string_view date, absl::string_view case_id) {
  return absl::StrCat(date, absl::string_view("\0", 1), case_id);
}

}  // namespace caselink::storage
