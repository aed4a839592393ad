#include "server/page_token.h"

#include <openssl/sha.h>

#include "absl/strings/escaping.h"
#include "caselink/v1/storage.pb.h"

namespace caselink::server {
namespace {

std::string Digest(absl::string_view query) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(query.data()), query.size(), md);
  return std::string(reinterpret_cast<char*>(md), 16);
}

}  // namespace

std::string EncodePageToken(absl::string_view after, absl::string_view query) {
  v1::PageToken t;
  t.set_after(std::string(after));
  t.set_query_digest(Digest(query));
  return absl::WebSafeBase64Escape(t.SerializeAsString());
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token, absl::string_view query) {
  if (token.empty()) return std::string();
  std::string raw;
  v1::PageToken t;
  if (!absl::WebSafeBase64Unescape(token, &raw) || !t.ParseFromString(raw) || t.after().empty()) {
    return absl::InvalidArgumentError("page_token: is not a token this server issued");
  }
  if (t.query_digest() != Digest(query)) {
    return absl::InvalidArgumentError(
        "page_token: was issued for a different query; repeat the same filters or start over "
        "with an empty page_token");
  }
  return t.after();
}

}  // namespace caselink::server
