#include "caselink/request_id.h"

#include <openssl/evp.h>

#include <cstdint>

#include "absl/random/random.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "caselink_common/request_digest.h"

namespace caselink {

std::string NewRequestId() {
  // absl::BitGen is seeded from the OS entropy source and is not
  // thread-safe, hence one per thread.
  thread_local absl::BitGen gen;
  uint64_t hi = absl::Uniform<uint64_t>(gen);
  uint64_t lo = absl::Uniform<uint64_t>(gen);
  hi = (hi & ~uint64_t{0xF000}) | uint64_t{0x4000};           // version 4
  lo = (lo & ~(uint64_t{0xC} << 60)) | (uint64_t{0x8} << 60);  // variant 10
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", hi >> 32,
                         (hi >> 16) & 0xFFFF, hi & 0xFFFF, lo >> 48,
                         lo & 0xFFFFFFFFFFFFULL);
}

std::string DeriveRequestId(absl::string_view content, int64_t expected_version) {
  std::string input = absl::StrCat(content, absl::string_view("\0", 1), expected_version);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // SHA-256 of an in-memory buffer only fails on allocation failure.
  if (EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    return "";
  }
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), length));
}

std::string DeriveRequestId(const google::protobuf::Message& request) {
  // Typed: a reverse CreateTransfer and an OPINION CreateSupervision of the
  // same wording serialize alike and share the procuratorate's namespace of
  // workflow request ids; untyped, the second command would reuse the
  // first's id and be refused.
  return absl::BytesToHexString(TypedRequestDigest(request));
}

}  // namespace caselink
