#include "storage/case_id.h"

#include <openssl/rand.h>

#include "absl/strings/str_cat.h"

namespace caselink::storage {

std::string NewCaseId(absl::Time now, absl::TimeZone tz) {
  constexpr char kAlphabet[] = "ABCDEFGHJKMNPQRSTVWXYZ0123456789";  // 32, no I/L/O/U
  unsigned char rnd[12];
  RAND_bytes(rnd, sizeof(rnd));
  std::string suffix;
  for (unsigned char b : rnd) suffix.push_back(kAlphabet[b % 32]);
  return absl::StrCat("C", absl::FormatTime("%Y%m%d", now, tz), "-", suffix);
}

}  // namespace caselink::storage
