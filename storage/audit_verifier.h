// AuditVerifier checks an access log offline: the hash chain of every entry,
// the sequence (no gaps, nothing moved), the checkpoint signatures and that
// each checkpoint's head hash is the chain's hash at its seq. It reports the
// first broken sequence number and what is wrong. Shared by the server and
// `caselink audit verify`; feeds come from a database or an export
// (audit_store.h). Not thread-safe (one verification per object).
//
// Example:
//   AuditVerifier v(expected_public_key_pem);   // "" accepts any one key
//   for (auto& [key, bytes] : checkpoints) v.AddCheckpoint(key, bytes);
//   for (auto& [key, bytes] : entries) if (!v.AddEntry(key, bytes)) break;
//   AuditVerifyReport r = v.Finish();
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>

#include "caselink/v1/audit.pb.h"

namespace caselink::storage {

enum class AuditProblem {
  kNone,
  kChanged,             // an entry's content or hash was altered
  kMissing,             // a sequence number is absent (deleted, or the tail truncated)
  kReordered,           // an entry is stored at another position than its own
  kSignatureInvalid,    // a checkpoint's signature is invalid, or by another key
  kCheckpointMismatch,  // a checkpoint's head hash differs from the chain's
};

const char* AuditProblemName(AuditProblem p);

struct AuditVerifyReport {
  AuditProblem problem = AuditProblem::kNone;
  uint64_t seq = 0;    // the first broken sequence number
  std::string detail;  // what exactly is wrong
  uint64_t entries = 0;
  uint64_t checkpoints = 0;
  uint64_t first_seq = 0;
  uint64_t last_seq = 0;
  std::string head_hash_hex;
  std::string signer_fingerprint;  // SHA-256 of the checkpoint key (DER), hex
  bool ok() const { return problem == AuditProblem::kNone; }
  // One line for people: "OK: ..." or "BROKEN at seq N: KIND: detail".
  std::string Summary() const;
};

class AuditVerifier {
 public:
  // `expected_public_key_pem`: if not empty, checkpoints must be signed by
  // this key; otherwise all must be signed by one and the same key.
  explicit AuditVerifier(std::string expected_public_key_pem = "");

  // Checkpoints first (key = the seq it is stored under), then entries in
  // key order. AddEntry returns false once a problem is found.
  void AddCheckpoint(uint64_t key_seq, const std::string& bytes);
  bool AddEntry(uint64_t key_seq, const std::string& bytes);
  // Parsed forms, for exports (no key: the record's own seq is its position).
  void AddCheckpoint(const v1::AuditCheckpoint& cp);
  bool AddEntry(const v1::AuditEntry& e);
  AuditVerifyReport Finish();

 private:
  void Fail(AuditProblem p, uint64_t seq, std::string detail);
  bool CheckEntry(uint64_t key_seq, const v1::AuditEntry& e);

  std::string expected_key_;
  AuditVerifyReport report_;
  AuditVerifyReport sig_problem_;            // first bad checkpoint signature
  std::map<uint64_t, std::string> checkpoint_hash_;  // seq -> head hash (validly signed)
  std::unordered_map<std::string, uint64_t> seen_;   // entry hash -> seq
  uint64_t next_seq_ = 0;  // 0: the first entry anchors the chain
  std::string prev_hash_;
  bool stopped_ = false;
};

}  // namespace caselink::storage
