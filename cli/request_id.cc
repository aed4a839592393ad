#include "request_id.h"

#include <openssl/evp.h>

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace caselink::cli {

std::string DeriveRequestId(absl::string_view file_bytes,
                            int64_t expected_version) {
  std::string input = absl::StrCat(file_bytes, absl::string_view("\0", 1),
                                   expected_version);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // SHA-256 of an in-memory buffer only fails on allocation failure.
  if (EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha256(),
                 nullptr) != 1) {
    return "";
  }
  return absl::BytesToHexString(absl::string_view(
      reinterpret_cast<const char*>(digest), length));
}

}  // namespace caselink::cli
