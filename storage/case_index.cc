#include "storage/case_index.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace caselink::storage {
namespace {

constexpr size_t kHashBytes = 16;  // 128 bits: collisions are not a concern at district scale

}  // namespace

std::string CaseIndex::PartyIdPrefix(absl::string_view party_id) const {
  // Domain-separated from other uses of the same key (the access log).
  const std::string msg = absl::StrCat("caselink-party-index:", absl::AsciiStrToUpper(party_id));
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), party_key_.data(), static_cast<int>(party_key_.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), md, &len);
  return absl::StrCat("p", absl::string_view(reinterpret_cast<char*>(md), kHashBytes));
}

std::string CaseIndex::PartyNamePrefix(absl::string_view name) {
  return absl::StrCat("n", name, absl::string_view("\0", 1));
}

std::vector<std::string> CaseIndex::KeysFor(const v1::Case& c) const {
  std::vector<std::string> keys;
  for (const v1::Party& p : c.parties()) {
    std::string id, name;
    if (p.has_person()) {
      id = p.person().id_number();
      name = p.person().name();
    } else if (p.has_organization()) {
      id = p.organization().credit_code();
      name = p.organization().name();
    }
    if (!id.empty() && party_ids_enabled()) keys.push_back(PartyIdPrefix(id) + c.case_id());
    if (!name.empty()) keys.push_back(PartyNamePrefix(name) + c.case_id());
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

}  // namespace caselink::storage
