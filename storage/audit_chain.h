// The primitives of the tamper-evident access log, shared by the server
// (sealing entries, signing checkpoints) and the offline verifier: canonical
// bytes, the chain hash, checkpoint signatures, the party-id HMAC and the keys
// of the access-log index. Pure functions and an immutable signer; thread-safe.
// Format reference: docs/audit.md.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "caselink/v1/audit.pb.h"
#include "google/protobuf/message.h"
#include "openssl/evp.h"
#include "storage/commit_pipeline.h"

namespace caselink::storage::audit {

constexpr size_t kHashSize = 32;

// prev_hash of the first entry: 32 zero bytes.
std::string GenesisHash();

// `m` serialized deterministically (map order, field order fixed).
std::string DeterministicBytes(const google::protobuf::Message& m);

// The bytes an entry's hash covers: the entry without prev_hash and hash.
std::string CanonicalBytes(const v1::AuditEntry& e);

// What the access log appends for `e` (Table::kAuditLog): `e` serialized
// without seq and the two hashes, and the prefixes of its index keys. The
// chain's sealer makes the canonical bytes by putting the seq (field 1) in
// front, so the serial writer never parses an entry. Every append to the
// access log is made by this function.
Append EntryAppend(const v1::AuditEntry& e);

// The canonical bytes of an entry appended by EntryAppend once it has its
// sequence number: the same bytes as CanonicalBytes of the sealed entry.
// `reserve_extra`: room to keep for what the caller appends after them.
std::string CanonicalBytesOfAppend(uint64_t seq, const std::string& payload, size_t reserve_extra = 0);

// SHA-256(prev_hash || canonical).
std::string ChainHash(absl::string_view prev_hash, absl::string_view canonical);

// HMAC-SHA256(key, data); used for party ids so they are never stored plain.
std::string HmacSha256(const std::string& key, const std::string& data);

// The same HMAC under one fixed key, for the server's hot path: the key's two
// padded blocks are hashed once (RFC 2104), so a MAC costs two digest-context
// copies and the data's own hashing, no key schedule and no algorithm fetch.
// Mac(d) == HmacSha256(key, d) for every d. Thread-safe (Mac is const).
class HmacSha256Key {
 public:
  explicit HmacSha256Key(const std::string& key);
  std::string Mac(const std::string& data) const;

 private:
  std::shared_ptr<EVP_MD_CTX> inner_;  // SHA-256 after (key ^ ipad)
  std::shared_ptr<EVP_MD_CTX> outer_;  // SHA-256 after (key ^ opad)
};

// Lowercase hex of `bytes` (hashes in reports).
std::string Hex(const std::string& bytes);

// Signs checkpoints with a PEM private key (EC or RSA; SHA-256 digest).
class CheckpointSigner {
 public:
  static absl::StatusOr<std::unique_ptr<CheckpointSigner>> FromPem(const std::string& private_key_pem);
  ~CheckpointSigner();

  // `next_within_entries`: the promise signed with it (AuditCheckpoint
  // field 6); 0 writes none, as checkpoints before it did.
  absl::StatusOr<v1::AuditCheckpoint> Sign(uint64_t seq, const std::string& head_hash,
                                           absl::Time time, uint64_t next_within_entries = 0) const;
  const std::string& public_key_pem() const { return public_key_pem_; }

 private:
  CheckpointSigner() = default;
  void* pkey_ = nullptr;  // EVP_PKEY*
  std::string public_key_pem_;
};

// OK if `cp.signature` is a valid signature by `cp.public_key_pem` and, when
// `expected_public_key_pem` is not empty, that is the same key. Otherwise
// an error saying which.
absl::Status VerifyCheckpointSignature(const v1::AuditCheckpoint& cp,
                                       const std::string& expected_public_key_pem);

// SHA-256 of a PEM public key's DER form, hex: how reports name a key.
absl::StatusOr<std::string> PublicKeyFingerprint(const std::string& public_key_pem);

// Keys of the access-log index (Table::kAuditIndex), each ending in the
// entry's be64 seq: by case (prefix seq), by agency (prefix be64(time in
// microseconds) seq) and by party HMAC (prefix seq).
std::string CaseIndexPrefix(const std::string& case_id);
std::string AgencyIndexPrefix(const std::string& agency_id);
// The agency prefix followed by `time` (be64 microseconds, clamped at 0):
// the index prefix an entry of that time is written under, and the bound
// of a query by period.
std::string AgencyIndexTimePrefix(const std::string& agency_id, absl::Time time);
std::string PartyIndexPrefix(const std::string& party_hmac);
uint64_t SeqOfIndexKey(const std::string& key);

// Every index prefix of `e` (its seq, prev_hash and hash are not used), in
// the order written; the same prefix may come twice (a case listed twice),
// and is then one key. The one definition of what the index holds: the
// writer (EntryAppend) and the verifier (VerifyAuditLog) both call it.
void ForEachIndexPrefix(const v1::AuditEntry& e, absl::FunctionRef<void(std::string prefix)> f);

// What an index key is by: "case", "agency", "party", or "unknown".
const char* IndexKeyKind(absl::string_view key);

}  // namespace caselink::storage::audit
