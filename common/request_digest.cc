#include "caselink_common/request_digest.h"

#include <openssl/evp.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace caselink {
namespace {

// SHA-256 of `prefix` followed by the request's deterministic serialization
// with its request_id cleared.
std::string Digest(absl::string_view prefix, const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  if (const auto* f = copy->GetDescriptor()->FindFieldByName("request_id")) {
    copy->GetReflection()->ClearField(copy.get(), f);
  }
  std::string bytes(prefix);
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    copy->SerializeToCodedStream(&coded);
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // SHA-256 of an in-memory buffer fails only when allocation fails; an
  // empty digest then matches no stored one, so the write is refused.
  if (EVP_Digest(bytes.data(), bytes.size(), md, &length, EVP_sha256(), nullptr) != 1) return "";
  return std::string(reinterpret_cast<char*>(md), length);
}

}  // namespace

std::string RequestDigest(const google::protobuf::Message& request) { return Digest("", request); }

std::string TypedRequestDigest(const google::protobuf::Message& request) {
  // The NUL ends the name: no type name is a prefix of another's bytes.
  return Digest(absl::StrCat(request.GetDescriptor()->full_name(), absl::string_view("\0", 1)), request);
}

}  // namespace caselink
