#include "server/core/party_ids.h"

#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/time/civil_time.h"

namespace caselink::server {

std::string NormalizePartyId(absl::string_view id) {
  return absl::AsciiStrToUpper(absl::StripAsciiWhitespace(id));
}

bool IsValidResidentId(absl::string_view id) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  if (id.size() != 18) return false;
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    if (id[i] < '0' || id[i] > '9') return false;
    sum += (id[i] - '0') * kWeights[i];
  }
  auto digits = [&](int pos, int n) {
    int v = 0;
    for (int i = pos; i < pos + n; ++i) v = v * 10 + (id[i] - '0');
    return v;
  };
  const int year = digits(6, 4), month = digits(10, 2), day = digits(12, 2);
  if (year < 1900 || year > 2100 || month < 1 || month > 12 || day < 1 || day > 31) return false;
  // A real calendar day: 1990-02-30 normalizes to another day and is refused.
  const absl::CivilDay civil(year, month, day);
  if (civil.month() != month || civil.day() != day) return false;
  return id[17] == kCheck[sum % 11];
}

bool IsValidCreditCode(absl::string_view code) {
  static constexpr char kChars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";  // 31
  static constexpr int kWeights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
  if (code.size() != 18) return false;
  int values[18];
  for (int i = 0; i < 18; ++i) {
    const char* p = code[i] == '\0' ? nullptr : std::strchr(kChars, code[i]);
    if (p == nullptr) return false;
    values[i] = static_cast<int>(p - kChars);
  }
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += values[i] * kWeights[i];
  const int check = (31 - sum % 31) % 31;
  return values[17] == check;
}

std::vector<std::string> PartyIdsOf(const v1::Case& c) {
  std::vector<std::string> ids;
  for (const v1::Party& p : c.parties()) {
    if (p.has_person() && !p.person().id_number().empty()) ids.push_back(p.person().id_number());
    if (p.has_organization() && !p.organization().credit_code().empty()) {
      ids.push_back(p.organization().credit_code());
    }
  }
  return ids;
}

}  // namespace caselink::server
