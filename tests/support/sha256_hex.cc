#include "support/sha256_hex.h"

#include "absl/strings/escaping.h"
#include "openssl/evp.h"

namespace caselink::testing {

std::string Sha256Hex(absl::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(md), len));
}

}  // namespace caselink::testing
