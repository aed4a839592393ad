#include "server/core/page_token.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <cstdint>
#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace caselink::server {
namespace {

constexpr unsigned char kFormat = 1;  // first byte of every token; a new format gets 2
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
// Positions are padded to a multiple of this, so a token's length says
// nothing about the id it holds (every id we page by fits in one block).
constexpr size_t kPadTo = 64;
// Longer strings are refused before any decoding (a token is ~124 characters).
constexpr size_t kMaxTokenChars = 1024;
constexpr char kHkdfInfo[] = "caselink page-token key v1";
constexpr char kAadLabel[] = "caselink page token v1";

// The paging and reason fields: not part of what a token is bound to.
constexpr const char* kNotQuery[] = {"page_token", "page_size", "purpose", "purpose_case_ref"};

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

absl::Status Refused() {
  return absl::InvalidArgumentError(
      "page_token: is not a token this server issued for this agency, RPC and query (a token "
      "is bound to the caller, the method and its filters); repeat the same request, or start "
      "over with an empty page_token");
}

void AppendLengthPrefixed(absl::string_view s, std::string* out) {
  const uint32_t n = static_cast<uint32_t>(s.size());
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>((n >> shift) & 0xff));
  out->append(s.data(), s.size());
}

// The associated data: every part length-prefixed, so no two scopes encode
// alike ("a|b" + "c" vs "a" + "b|c").
std::string AssociatedData(const PageScope& where) {
  std::string aad(kAadLabel, sizeof(kAadLabel));
  AppendLengthPrefixed(where.agency, &aad);
  AppendLengthPrefixed(where.rpc, &aad);
  AppendLengthPrefixed(where.query, &aad);
  return aad;
}

const unsigned char* U(const std::string& s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* U(std::string* s) { return reinterpret_cast<unsigned char*>(s->data()); }

}  // namespace

PageScope PageScope::For(const CallScope& scope, const google::protobuf::Message& request) {
  return PageScope{scope.principal.agency_id, scope.method, CanonicalQuery(request)};
}

std::string CanonicalQuery(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> q(request.New());
  q->CopyFrom(request);
  q->DiscardUnknownFields();
  const google::protobuf::Descriptor* d = q->GetDescriptor();
  for (const char* name : kNotQuery) {
    if (const google::protobuf::FieldDescriptor* f = d->FindFieldByName(name)) {
      q->GetReflection()->ClearField(q.get(), f);
    }
  }
  std::string out = d->full_name();
  out.push_back('\0');
  {
    google::protobuf::io::StringOutputStream sink(&out);
    google::protobuf::io::CodedOutputStream coded(&sink);
    coded.SetSerializationDeterministic(true);
    q->SerializePartialToCodedStream(&coded);
  }
  return out;
}

absl::StatusOr<PageTokenKey> PageTokenKey::Derive(absl::string_view secret) {
  if (secret.size() < 32) {
    return absl::InvalidArgumentError(
        absl::StrCat("the page-token secret has ", secret.size(), " bytes; at least 32 random bytes are required"));
  }
  PageTokenKey k;
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr),
                                                                  EVP_PKEY_CTX_free);
  size_t len = k.key_.size();
  if (ctx == nullptr || EVP_PKEY_derive_init(ctx.get()) <= 0 ||
      EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()) <= 0 ||
      EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), reinterpret_cast<const unsigned char*>(secret.data()),
                                 static_cast<int>(secret.size())) <= 0 ||
      EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), reinterpret_cast<const unsigned char*>(kHkdfInfo),
                                  static_cast<int>(sizeof(kHkdfInfo) - 1)) <= 0 ||
      EVP_PKEY_derive(ctx.get(), k.key_.data(), &len) <= 0 || len != k.key_.size()) {
    ERR_clear_error();
    return absl::InternalError("HKDF-SHA256 of the page-token key failed (OpenSSL)");
  }
  return k;
}

absl::StatusOr<std::string> PageTokenKey::Seal(const PageScope& where, absl::string_view position) const {
  if (position.empty() || position.size() > 0xffff) {
    return absl::InternalError("page token position must be 1-65535 bytes");
  }
  // Plaintext: 2-byte length, the position, zeros up to the block size.
  std::string plain;
  plain.push_back(static_cast<char>(position.size() >> 8));
  plain.push_back(static_cast<char>(position.size() & 0xff));
  plain.append(position.data(), position.size());
  plain.resize((plain.size() + kPadTo - 1) / kPadTo * kPadTo, '\0');

  std::string raw(1 + kNonceBytes + plain.size() + kTagBytes, '\0');
  raw[0] = static_cast<char>(kFormat);
  unsigned char* nonce = U(&raw) + 1;
  unsigned char* body = nonce + kNonceBytes;
  unsigned char* tag = body + plain.size();
  const std::string aad = AssociatedData(where);
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int n = 0;
  if (RAND_bytes(nonce, kNonceBytes) != 1 || ctx == nullptr ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &n, U(aad), static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), body, &n, U(plain), static_cast<int>(plain.size())) != 1 ||
      static_cast<size_t>(n) != plain.size() || EVP_EncryptFinal_ex(ctx.get(), body + n, &n) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, tag) != 1) {
    ERR_clear_error();
    return absl::InternalError("sealing a page token failed (OpenSSL)");
  }
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<std::string> PageTokenKey::Open(absl::string_view token, const PageScope& where) const {
  if (token.empty()) return std::string();
  std::string raw;
  if (token.size() > kMaxTokenChars || !absl::WebSafeBase64Unescape(token, &raw) ||
      raw.size() < 1 + kNonceBytes + kPadTo + kTagBytes ||
      (raw.size() - 1 - kNonceBytes - kTagBytes) % kPadTo != 0 || static_cast<unsigned char>(raw[0]) != kFormat) {
    return Refused();
  }
  const unsigned char* nonce = U(raw) + 1;
  const unsigned char* body = nonce + kNonceBytes;
  const size_t body_len = raw.size() - 1 - kNonceBytes - kTagBytes;
  std::string tag = raw.substr(raw.size() - kTagBytes);
  std::string plain(body_len, '\0');
  const std::string aad = AssociatedData(where);
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int n = 0;
  const bool opened =
      ctx != nullptr && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), nonce) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &n, U(aad), static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), U(&plain), &n, body, static_cast<int>(body_len)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), U(&plain) + n, &n) == 1;
  ERR_clear_error();
  if (!opened) return Refused();
  // Authentic, so the layout is ours; checked anyway (a bug, not an attack).
  const size_t len = (static_cast<unsigned char>(plain[0]) << 8) | static_cast<unsigned char>(plain[1]);
  if (len == 0 || 2 + len > plain.size()) return Refused();
  return plain.substr(2, len);
}

}  // namespace caselink::server
