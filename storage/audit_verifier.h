// AuditVerifier checks an access log offline: the hash chain of every entry,
// the sequence (no gaps, nothing moved), the checkpoint signatures and that
// each checkpoint's head hash is the chain's hash at its seq, and that no
// checkpoint is missing where the one before promised the next. It reports the
// first broken sequence number and what is wrong. Shared by the server and
// `caselink audit verify`; feeds come from a database or an export
// (audit_store.h). Not thread-safe (one verification per object).
//
// Example:
//   AuditVerifier v(expected_public_key_pem);   // "" accepts any one key
//   v.SetWholeLog();                            // a database's log, not a range
//   for (auto& [key, bytes] : checkpoints) v.AddCheckpoint(key, bytes);
//   for (auto& [key, bytes] : entries) if (!v.AddEntry(key, bytes)) break;
//   AuditVerifyReport r = v.Finish();
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "caselink/v1/audit.pb.h"

namespace caselink::storage {

enum class AuditProblem {
  kNone,
  kChanged,             // an entry's content or hash was altered
  kMissing,             // a sequence number is absent (deleted, or the tail truncated)
  kReordered,           // an entry is stored at another position than its own
  kSignatureInvalid,    // a checkpoint's signature is invalid, or by another key
  kCheckpointMismatch,  // a checkpoint's head hash differs from the chain's
  kCheckpointMissing,   // no checkpoint where the one before promised one (deleted)
  kIndexMissing,        // an entry's key is absent from the access-log index
  kIndexExtra,          // an index key names an entry that does not call for it
};

const char* AuditProblemName(AuditProblem p);

struct AuditVerifyReport {
  AuditProblem problem = AuditProblem::kNone;
  uint64_t seq = 0;    // the first broken sequence number
  std::string detail;  // what exactly is wrong
  uint64_t entries = 0;
  uint64_t checkpoints = 0;
  uint64_t index_keys = 0;  // checked against the entries (a database; 0 for an export)
  uint64_t first_seq = 0;
  uint64_t last_seq = 0;
  std::string head_hash_hex;  // of the entry at last_seq; printed as "head SEQ:HASH"
  std::string signer_fingerprint;  // SHA-256 of the checkpoint key (DER), hex
  bool ok() const { return problem == AuditProblem::kNone; }
  // One line for people: "OK: ..., head SEQ:HASH, ..." or "BROKEN at seq N:
  // KIND: detail". The head is in the form --expect-head takes.
  std::string Summary() const;
};

// A head recorded outside the database (the "head SEQ:HASH" an earlier
// verify printed, of the database or of the last archived export): nothing
// inside a database anchors its own head, so only this tells a rollback.
struct AuditHead {
  uint64_t seq = 0;  // 0: none expected
  std::string hash;  // raw bytes; empty: only the seq is checked
};

// "SEQ" or "SEQ:HASH" (HASH: 64 hex digits, as Summary prints it). SEQ >= 1.
// INVALID_ARGUMENT otherwise.
absl::StatusOr<AuditHead> ParseAuditHead(absl::string_view text);

class AuditVerifier {
 public:
  // What a log's start is held to when no checkpoint promised anything: the
  // server's default `audit.checkpoint_every_entries`.
  static constexpr uint64_t kDefaultCheckpointEvery = 1000;

  // `expected_public_key_pem`: if not empty, checkpoints must be signed by
  // this key; otherwise all must be signed by one and the same key.
  // `checkpoint_every`: the most entries a log starting at seq 1 may hold
  // before its first checkpoint when that one carries a promise (a new
  // server writes it with entry 1), or in all when it has none
  // (CHECKPOINT_MISSING at that seq otherwise); 0 checks neither. After a
  // checkpoint, its own signed promise (next_within_entries) is the bound.
  explicit AuditVerifier(std::string expected_public_key_pem = "",
                         uint64_t checkpoint_every = kDefaultCheckpointEvery);

  // Checkpoints first (key = the seq it is stored under), then entries in
  // key order. AddEntry returns false once a problem is found.
  void AddCheckpoint(uint64_t key_seq, const std::string& bytes);
  // `parsed`, if given, receives the entry when it verified.
  bool AddEntry(uint64_t key_seq, const std::string& bytes, v1::AuditEntry* parsed = nullptr);
  // Parsed forms, for exports (no key: the record's own seq is its position).
  void AddCheckpoint(const v1::AuditCheckpoint& cp);
  bool AddEntry(const v1::AuditEntry& e);
  // A database's whole log, which starts at seq 1: a first entry K > 1 is
  // MISSING at 1 (entries 1..K-1 were deleted). Without it (a ranged
  // export) the first entry anchors the chain at its own prev_hash. Call
  // before the first AddEntry.
  void SetWholeLog();
  // The log must reach `head.seq` (else MISSING after its last entry) and,
  // if `head.hash` is set, the entry at that seq must have it (else CHANGED
  // there). Implies SetWholeLog: a range is no log to hold a head to. Call
  // before the first AddEntry.
  void ExpectHead(AuditHead head);
  // A problem found beside the chain (the index of a database): reported
  // if its seq is the first broken one.
  void AddProblem(AuditProblem p, uint64_t seq, std::string detail);
  AuditVerifyReport Finish();

 private:
  void Fail(AuditProblem p, uint64_t seq, std::string detail);
  bool CheckEntry(uint64_t key_seq, const v1::AuditEntry& e);
  // A whole log's first stored entry is `key_seq` > 1: MISSING at 1.
  bool StartIsMissing(uint64_t key_seq);

  std::string expected_key_;
  AuditVerifyReport report_;
  AuditVerifyReport sig_problem_;            // first bad checkpoint signature
  AuditVerifyReport other_problem_;          // first AddProblem
  struct Checkpoint {
    std::string head_hash;
    uint64_t next_within = 0;  // its promise; 0: none
  };
  std::map<uint64_t, Checkpoint> checkpoints_;  // seq -> validly signed checkpoint
  uint64_t checkpoint_every_;
  uint64_t checkpoint_due_ = 0;  // a checkpoint must be at or before this seq; 0: none promised
  std::unordered_map<std::string, uint64_t> seen_;   // entry hash -> seq
  uint64_t next_seq_ = 0;  // 0: the first entry anchors the chain
  bool whole_log_ = false;
  AuditHead expected_head_;
  std::string hash_at_expected_;  // the verified entry's at expected_head_.seq
  std::string prev_hash_;
  bool stopped_ = false;
};

}  // namespace caselink::storage
