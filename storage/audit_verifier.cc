#include "storage/audit_verifier.h"

#include "absl/strings/str_cat.h"
#include "storage/audit_chain.h"

namespace caselink::storage {

const char* AuditProblemName(AuditProblem p) {
  switch (p) {
    case AuditProblem::kNone: return "OK";
    case AuditProblem::kChanged: return "CHANGED";
    case AuditProblem::kMissing: return "MISSING";
    case AuditProblem::kReordered: return "REORDERED";
    case AuditProblem::kSignatureInvalid: return "SIGNATURE_INVALID";
    case AuditProblem::kCheckpointMismatch: return "CHECKPOINT_MISMATCH";
  }
  return "UNKNOWN";
}

std::string AuditVerifyReport::Summary() const {
  if (ok()) {
    return absl::StrCat("OK: ", entries, " entries (seq ", first_seq, "..", last_seq, "), ",
                        checkpoints, " signed checkpoint(s), head ", head_hash_hex,
                        signer_fingerprint.empty() ? "" : ", signer key sha256 " + signer_fingerprint);
  }
  return absl::StrCat("BROKEN at seq ", seq, ": ", AuditProblemName(problem), ": ", detail);
}

AuditVerifier::AuditVerifier(std::string expected_public_key_pem)
    : expected_key_(std::move(expected_public_key_pem)) {}

void AuditVerifier::Fail(AuditProblem p, uint64_t seq, std::string detail) {
  if (!report_.ok()) return;
  report_.problem = p;
  report_.seq = seq;
  report_.detail = std::move(detail);
  stopped_ = true;
}

void AuditVerifier::AddCheckpoint(uint64_t key_seq, const std::string& bytes) {
  v1::AuditCheckpoint cp;
  if (!cp.ParseFromString(bytes)) {
    if (sig_problem_.ok()) {
      sig_problem_.problem = AuditProblem::kSignatureInvalid;
      sig_problem_.seq = key_seq;
      sig_problem_.detail = "the checkpoint is unreadable";
    }
    return;
  }
  if (cp.seq() != key_seq && sig_problem_.ok()) {
    sig_problem_.problem = AuditProblem::kCheckpointMismatch;
    sig_problem_.seq = key_seq;
    sig_problem_.detail = absl::StrCat("the checkpoint stored at seq ", key_seq, " names seq ", cp.seq());
    return;
  }
  AddCheckpoint(cp);
}

void AuditVerifier::AddCheckpoint(const v1::AuditCheckpoint& cp) {
  ++report_.checkpoints;
  auto fail = [&](AuditProblem p, std::string detail) {
    if (!sig_problem_.ok() && sig_problem_.seq <= cp.seq()) return;
    sig_problem_.problem = p;
    sig_problem_.seq = cp.seq();
    sig_problem_.detail = std::move(detail);
  };
  absl::Status s = audit::VerifyCheckpointSignature(cp, expected_key_);
  if (!s.ok()) {
    fail(AuditProblem::kSignatureInvalid, absl::StrCat("checkpoint at seq ", cp.seq(), ": ", s.message()));
    return;
  }
  auto fp = audit::PublicKeyFingerprint(cp.public_key_pem());
  const std::string key = fp.ok() ? *fp : "";
  if (report_.signer_fingerprint.empty()) {
    report_.signer_fingerprint = key;
  } else if (key != report_.signer_fingerprint) {
    fail(AuditProblem::kSignatureInvalid,
         absl::StrCat("checkpoint at seq ", cp.seq(), " is signed by key ", key,
                      ", the others by ", report_.signer_fingerprint));
    return;
  }
  checkpoint_hash_[cp.seq()] = cp.head_hash();
}

bool AuditVerifier::AddEntry(uint64_t key_seq, const std::string& bytes) {
  if (stopped_) return false;
  v1::AuditEntry e;
  if (!e.ParseFromString(bytes)) {
    if (next_seq_ != 0 && key_seq > next_seq_) {
      Fail(AuditProblem::kMissing, next_seq_, absl::StrCat("entries ", next_seq_, "..", key_seq - 1, " are missing"));
    } else {
      Fail(AuditProblem::kChanged, key_seq, "the stored entry is not a readable AuditEntry (bytes altered)");
    }
    return false;
  }
  return CheckEntry(key_seq, e);
}

bool AuditVerifier::AddEntry(const v1::AuditEntry& e) {
  if (stopped_) return false;
  return CheckEntry(e.seq(), e);
}

bool AuditVerifier::CheckEntry(uint64_t key_seq, const v1::AuditEntry& e) {
  if (next_seq_ == 0) {
    // The first entry anchors the chain: genesis for seq 1, else (a ranged
    // export) the prev_hash it records.
    next_seq_ = key_seq;
    prev_hash_ = key_seq == 1 ? audit::GenesisHash() : e.prev_hash();
    report_.first_seq = key_seq;
  }
  if (key_seq > next_seq_) {
    Fail(AuditProblem::kMissing, next_seq_,
         absl::StrCat(key_seq - next_seq_ == 1 ? absl::StrCat("entry ", next_seq_, " is")
                                               : absl::StrCat("entries ", next_seq_, "..", key_seq - 1, " are"),
                      " missing (the next stored entry is ", key_seq, ")"));
    return false;
  }
  if (key_seq < next_seq_) {
    Fail(AuditProblem::kReordered, key_seq, absl::StrCat("entry ", key_seq, " appears again after entry ", next_seq_ - 1));
    return false;
  }
  if (e.seq() != key_seq) {
    Fail(AuditProblem::kReordered, key_seq,
         absl::StrCat("position ", key_seq, " holds entry ", e.seq(), " (entries were moved)"));
    return false;
  }
  const std::string own = audit::ChainHash(e.prev_hash(), audit::CanonicalBytes(e));
  if (own != e.hash()) {
    Fail(AuditProblem::kChanged, key_seq,
         "the entry's content does not match its hash (an entry field was altered)");
    return false;
  }
  if (e.prev_hash() != prev_hash_) {
    auto known = seen_.find(e.prev_hash());
    if (known != seen_.end()) {
      Fail(AuditProblem::kReordered, key_seq,
           absl::StrCat("entry ", key_seq, " chains to entry ", known->second, ", not to entry ", key_seq - 1));
    } else if (key_seq > 1) {
      Fail(AuditProblem::kChanged, key_seq - 1,
           absl::StrCat("entry ", key_seq - 1, " was rewritten: its hash is not the prev_hash entry ",
                        key_seq, " recorded"));
    } else {
      Fail(AuditProblem::kChanged, key_seq, "the first entry does not start from the genesis hash");
    }
    return false;
  }
  auto cp = checkpoint_hash_.find(key_seq);
  if (cp != checkpoint_hash_.end() && cp->second != e.hash()) {
    Fail(AuditProblem::kCheckpointMismatch, key_seq,
         absl::StrCat("the signed checkpoint at seq ", key_seq, " names head hash ", audit::Hex(cp->second),
                      ", the chain has ", audit::Hex(e.hash()), " (entries up to it were rewritten)"));
    return false;
  }
  seen_[e.hash()] = key_seq;
  prev_hash_ = e.hash();
  report_.last_seq = key_seq;
  ++report_.entries;
  ++next_seq_;
  return true;
}

AuditVerifyReport AuditVerifier::Finish() {
  if (report_.ok() && !checkpoint_hash_.empty()) {
    const uint64_t last_cp = checkpoint_hash_.rbegin()->first;
    if (last_cp > report_.last_seq) {
      const uint64_t missing = report_.entries == 0 ? 1 : report_.last_seq + 1;
      Fail(AuditProblem::kMissing, missing,
           absl::StrCat("the log ends at seq ", report_.last_seq, " but a signed checkpoint names seq ",
                        last_cp, " (the tail was truncated)"));
    }
  }
  // The first broken sequence number wins; a bad checkpoint signature counts
  // at the checkpoint's seq.
  if (!sig_problem_.ok() && (report_.ok() || sig_problem_.seq < report_.seq)) {
    report_.problem = sig_problem_.problem;
    report_.seq = sig_problem_.seq;
    report_.detail = sig_problem_.detail;
  }
  report_.head_hash_hex = audit::Hex(prev_hash_);
  return report_;
}

}  // namespace caselink::storage
