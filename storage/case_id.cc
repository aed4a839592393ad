#include "storage/case_id.h"

#include <openssl/rand.h>

#include "absl/strings/str_cat.h"

namespace caselink::storage {
namespace {

constexpr absl::string_view kAlphabet = "ABCDEFGHJKMNPQRSTVWXYZ0123456789";  // 32, no I/L/O/U
constexpr size_t kDateDigits = 8;
constexpr size_t kRandomChars = 12;

}  // namespace

std::string NewCaseId(absl::Time now, absl::TimeZone tz) {
  static_assert(kAlphabet.size() == 32, "one random byte picks a character with b % 32");
  unsigned char rnd[kRandomChars];
  RAND_bytes(rnd, sizeof(rnd));
  std::string suffix;
  for (unsigned char b : rnd) suffix.push_back(kAlphabet[b % 32]);
  return absl::StrCat("C", absl::FormatTime("%Y%m%d", now, tz), "-", suffix);
}

bool HasNewCaseIdShape(absl::string_view id) {
  if (id.size() != 1 + kDateDigits + 1 + kRandomChars || id[0] != 'C' || id[1 + kDateDigits] != '-') return false;
  for (size_t i = 1; i <= kDateDigits; ++i) {
    if (id[i] < '0' || id[i] > '9') return false;
  }
  for (char c : id.substr(2 + kDateDigits)) {
    if (kAlphabet.find(c) == absl::string_view::npos) return false;
  }
  return true;
}

}  // namespace caselink::storage
