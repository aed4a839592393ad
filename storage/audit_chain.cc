#include "storage/audit_chain.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "caselink_common/proto_time.h"
#include "storage/commit_pipeline.h"

namespace caselink::storage::audit {
namespace {

using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof(buf));
  return buf;
}

PkeyPtr ReadPublicKey(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  return PkeyPtr(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
}

absl::StatusOr<std::string> PublicKeyDer(const std::string& pem) {
  PkeyPtr key = ReadPublicKey(pem);
  if (!key) return absl::InvalidArgumentError("not a PEM public key");
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(key.get(), &der);
  if (n <= 0) return absl::InternalError(OpenSslError());
  std::string out(reinterpret_cast<char*>(der), n);
  OPENSSL_free(der);
  return out;
}

std::string SignedBytes(const v1::AuditCheckpoint& cp) {
  v1::AuditCheckpoint copy = cp;
  copy.clear_signature();
  return DeterministicBytes(copy);
}

std::string Be64(uint64_t v) { return CommitPipeline::SequenceKey(v); }

}  // namespace

std::string GenesisHash() { return std::string(kHashSize, '\0'); }

std::string DeterministicBytes(const google::protobuf::Message& m) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    m.SerializeToCodedStream(&coded);
  }
  return bytes;
}

std::string CanonicalBytes(const v1::AuditEntry& e) {
  v1::AuditEntry copy = e;
  copy.clear_prev_hash();
  copy.clear_hash();
  return DeterministicBytes(copy);
}

Append EntryAppend(const v1::AuditEntry& e) {
  if (e.seq() != 0 || !e.prev_hash().empty() || !e.hash().empty()) {
    v1::AuditEntry bare = e;
    bare.clear_seq();
    bare.clear_prev_hash();
    bare.clear_hash();
    return EntryAppend(bare);
  }
  Append a{Table::kAuditLog, {}, {}};
  // No map fields: plain serialization is deterministic (field order).
  a.payload = e.SerializeAsString();
  a.index.reserve(2 + e.case_ids_size() + e.requested_case_ids_size() + e.party_hmacs_size());
  ForEachIndexPrefix(e, [&a](std::string prefix) { a.index.push_back({Table::kAuditIndex, std::move(prefix)}); });
  return a;
}

std::string CanonicalBytesOfAppend(uint64_t seq, const std::string& payload, size_t reserve_extra) {
  // Field 1 (seq, varint) sorts before every field of the payload.
  std::string out;
  out.reserve(payload.size() + 11 + reserve_extra);
  out.push_back(static_cast<char>(v1::AuditEntry::kSeqFieldNumber << 3));
  for (uint64_t v = seq; ; v >>= 7) {
    if (v < 0x80) {
      out.push_back(static_cast<char>(v));
      break;
    }
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
  }
  out.append(payload);
  return out;
}

std::string ChainHash(absl::string_view prev_hash, absl::string_view canonical) {
  // The algorithm fetched once and a context per thread: OpenSSL 3 otherwise
  // looks SHA-256 up in its provider table and allocates a context for every
  // entry, on the thread that writes the groups one after the other.
  static const EVP_MD* const sha256 = [] {
    const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return md != nullptr ? md : EVP_sha256();  // the implicit fetch, as before
  }();
  thread_local MdCtxPtr ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestInit_ex(ctx.get(), sha256, nullptr);
  EVP_DigestUpdate(ctx.get(), prev_hash.data(), prev_hash.size());
  EVP_DigestUpdate(ctx.get(), canonical.data(), canonical.size());
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  return std::string(reinterpret_cast<char*>(md), len);
}

std::string HmacSha256(const std::string& key, const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len);
  return std::string(reinterpret_cast<char*>(md), len);
}

HmacSha256Key::HmacSha256Key(const std::string& key)
    : inner_(EVP_MD_CTX_new(), EVP_MD_CTX_free), outer_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
  constexpr size_t kBlock = 64;  // SHA-256's block size
  std::string k = key;
  if (k.size() > kBlock) {  // a long key is hashed first (RFC 2104, section 2)
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(key.data(), key.size(), md, &len, EVP_sha256(), nullptr);
    k.assign(reinterpret_cast<char*>(md), len);
  }
  k.resize(kBlock, '\0');
  std::string ipad(kBlock, '\0'), opad(kBlock, '\0');
  for (size_t i = 0; i < kBlock; ++i) {
    ipad[i] = static_cast<char>(k[i] ^ 0x36);
    opad[i] = static_cast<char>(k[i] ^ 0x5c);
  }
  EVP_DigestInit_ex(inner_.get(), EVP_sha256(), nullptr);
  EVP_DigestUpdate(inner_.get(), ipad.data(), ipad.size());
  EVP_DigestInit_ex(outer_.get(), EVP_sha256(), nullptr);
  EVP_DigestUpdate(outer_.get(), opad.data(), opad.size());
}

std::string HmacSha256Key::Mac(const std::string& data) const {
  thread_local MdCtxPtr ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  unsigned char inner[EVP_MAX_MD_SIZE];
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int inner_len = 0;
  unsigned int len = 0;
  EVP_MD_CTX_copy_ex(ctx.get(), inner_.get());
  EVP_DigestUpdate(ctx.get(), data.data(), data.size());
  EVP_DigestFinal_ex(ctx.get(), inner, &inner_len);
  EVP_MD_CTX_copy_ex(ctx.get(), outer_.get());
  EVP_DigestUpdate(ctx.get(), inner, inner_len);
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  return std::string(reinterpret_cast<char*>(md), len);
}

std::string Hex(const std::string& bytes) { return absl::BytesToHexString(bytes); }

absl::StatusOr<std::unique_ptr<CheckpointSigner>> CheckpointSigner::FromPem(
    const std::string& private_key_pem) {
  BioPtr bio(BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())),
             BIO_free);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError("the audit signing key is not a PEM private key");
  }
  std::unique_ptr<CheckpointSigner> s(new CheckpointSigner());
  s->pkey_ = key;
  BioPtr out(BIO_new(BIO_s_mem()), BIO_free);
  if (PEM_write_bio_PUBKEY(out.get(), key) != 1) return absl::InternalError(OpenSslError());
  char* data = nullptr;
  long n = BIO_get_mem_data(out.get(), &data);
  s->public_key_pem_.assign(data, n);
  return s;
}

CheckpointSigner::~CheckpointSigner() { EVP_PKEY_free(static_cast<EVP_PKEY*>(pkey_)); }

absl::StatusOr<v1::AuditCheckpoint> CheckpointSigner::Sign(uint64_t seq, const std::string& head_hash,
                                                           absl::Time time, uint64_t next_within_entries) const {
  v1::AuditCheckpoint cp;
  cp.set_seq(seq);
  cp.set_head_hash(head_hash);
  *cp.mutable_time() =
      ToProtoTime(absl::FromUnixMicros(absl::ToUnixMicros(time)));
  cp.set_public_key_pem(public_key_pem_);
  cp.set_next_within_entries(next_within_entries);  // part of the signed bytes
  const std::string bytes = SignedBytes(cp);
  MdCtxPtr ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  size_t len = 0;
  if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr,
                         static_cast<EVP_PKEY*>(pkey_)) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len,
                     reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()) != 1) {
    return absl::InternalError(absl::StrCat("signing an audit checkpoint: ", OpenSslError()));
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()) != 1) {
    return absl::InternalError(absl::StrCat("signing an audit checkpoint: ", OpenSslError()));
  }
  sig.resize(len);
  cp.set_signature(sig);
  return cp;
}

absl::Status VerifyCheckpointSignature(const v1::AuditCheckpoint& cp,
                                       const std::string& expected_public_key_pem) {
  PkeyPtr key = ReadPublicKey(cp.public_key_pem());
  if (!key) {
    ERR_clear_error();
    return absl::InvalidArgumentError("the checkpoint carries no valid public key");
  }
  if (!expected_public_key_pem.empty()) {
    auto want = PublicKeyDer(expected_public_key_pem);
    if (!want.ok()) return absl::InvalidArgumentError("the expected public key is not a PEM public key");
    auto got = PublicKeyDer(cp.public_key_pem());
    if (!got.ok() || *got != *want) {
      return absl::PermissionDeniedError("signed by another key than the expected public key");
    }
  }
  const std::string bytes = SignedBytes(cp);
  MdCtxPtr ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  int ok = EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1
               ? EVP_DigestVerify(ctx.get(),
                                  reinterpret_cast<const unsigned char*>(cp.signature().data()),
                                  cp.signature().size(),
                                  reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size())
               : -1;
  ERR_clear_error();
  if (ok != 1) return absl::PermissionDeniedError("the signature does not verify");
  return absl::OkStatus();
}

absl::StatusOr<std::string> PublicKeyFingerprint(const std::string& public_key_pem) {
  auto der = PublicKeyDer(public_key_pem);
  if (!der.ok()) return der.status();
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(der->data()), der->size(), md);
  return Hex(std::string(reinterpret_cast<char*>(md), sizeof(md)));
}

std::string CaseIndexPrefix(const std::string& case_id) { return absl::StrCat("c", case_id, std::string(1, '\0')); }
std::string AgencyIndexPrefix(const std::string& agency_id) {
  return absl::StrCat("a", agency_id, std::string(1, '\0'));
}
std::string AgencyIndexTimePrefix(const std::string& agency_id, absl::Time time) {
  const int64_t micros = absl::ToUnixMicros(time);
  return AgencyIndexPrefix(agency_id) + Be64(micros < 0 ? 0 : static_cast<uint64_t>(micros));
}
std::string PartyIndexPrefix(const std::string& party_hmac) { return absl::StrCat("p", party_hmac); }
uint64_t SeqOfIndexKey(const std::string& key) {
  return key.size() < 8 ? 0 : CommitPipeline::DecodeSequenceKey(key.substr(key.size() - 8));
}

void ForEachIndexPrefix(const v1::AuditEntry& e, absl::FunctionRef<void(std::string prefix)> add) {
  for (const std::string& id : e.case_ids()) add(CaseIndexPrefix(id));
  if (!e.requested_case_id().empty()) {
    bool listed = false;
    for (const std::string& id : e.case_ids()) listed |= id == e.requested_case_id();
    if (!listed) add(CaseIndexPrefix(e.requested_case_id()));
  }
  // The other cases a request named, which the entry holds only when it
  // does not list them (a refused call lists none): WhoRead finds the
  // attempt under each.
  for (const std::string& id : e.requested_case_ids()) add(CaseIndexPrefix(id));
  add(AgencyIndexTimePrefix(e.agency_id(), FromProtoTime(e.time())));
  for (const std::string& h : e.party_hmacs()) add(PartyIndexPrefix(h));
  if (!e.searched_party_hmac().empty()) add(PartyIndexPrefix(e.searched_party_hmac()));
  if (!e.searched_party_name_hmac().empty()) add(PartyIndexPrefix(e.searched_party_name_hmac()));
}

const char* IndexKeyKind(absl::string_view key) {
  if (key.empty()) return "unknown";
  switch (key[0]) {
    case 'c': return "case";
    case 'a': return "agency";
    case 'p': return "party";
  }
  return "unknown";
}

}  // namespace caselink::storage::audit
