#include "storage/audit_verifier.h"

#include <iterator>

#include "absl/strings/numbers.h"
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
    case AuditProblem::kCheckpointMissing: return "CHECKPOINT_MISSING";
    case AuditProblem::kIndexMissing: return "INDEX_MISSING";
    case AuditProblem::kIndexExtra: return "INDEX_EXTRA";
  }
  return "UNKNOWN";
}

std::string AuditVerifyReport::Summary() const {
  if (ok()) {
    return absl::StrCat("OK: ", entries, " entries (seq ", first_seq, "..", last_seq, "), ",
                        checkpoints, " signed checkpoint(s)",
                        index_keys > 0 ? absl::StrCat(", ", index_keys, " index keys") : "",
                        entries > 0 ? absl::StrCat(", head ", last_seq, ":", head_hash_hex) : "",
                        signer_fingerprint.empty() ? "" : ", signer key sha256 " + signer_fingerprint);
  }
  return absl::StrCat("BROKEN at seq ", seq, ": ", AuditProblemName(problem), ": ", detail);
}

absl::StatusOr<AuditHead> ParseAuditHead(absl::string_view text) {
  const size_t colon = text.find(':');
  const absl::string_view seq_text = text.substr(0, colon);
  AuditHead head;
  if (!absl::SimpleAtoi(seq_text, &head.seq) || head.seq == 0) {
    return absl::InvalidArgumentError(absl::StrCat("expected head '", text,
                                                   "': give SEQ or SEQ:HASH with SEQ >= 1 (as an OK line prints "
                                                   "its head)"));
  }
  if (colon == absl::string_view::npos) return head;
  const absl::string_view hex = text.substr(colon + 1);
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() != 2 * audit::kHashSize) {
    return absl::InvalidArgumentError(absl::StrCat("expected head '", text, "': HASH must be ",
                                                   2 * audit::kHashSize, " hex digits (SHA-256)"));
  }
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      return absl::InvalidArgumentError(absl::StrCat("expected head '", text, "': HASH is not hex"));
    }
    head.hash.push_back(static_cast<char>(hi << 4 | lo));
  }
  return head;
}

AuditVerifier::AuditVerifier(std::string expected_public_key_pem, uint64_t checkpoint_every)
    : expected_key_(std::move(expected_public_key_pem)), checkpoint_every_(checkpoint_every) {}

void AuditVerifier::SetWholeLog() { whole_log_ = true; }

void AuditVerifier::ExpectHead(AuditHead head) {
  whole_log_ = true;
  expected_head_ = std::move(head);
}

bool AuditVerifier::StartIsMissing(uint64_t key_seq) {
  if (!whole_log_ || next_seq_ != 0 || key_seq <= 1) return false;
  // Without this, the first entry found would anchor the chain at its own
  // prev_hash: deleting the start of a log (and its checkpoints) would
  // verify, and a re-chained rest with it.
  Fail(AuditProblem::kMissing, 1,
       absl::StrCat(key_seq == 2 ? "entry 1 is" : absl::StrCat("entries 1..", key_seq - 1, " are"),
                    " missing (the first stored entry is ", key_seq, "): a database's log starts at seq 1"));
  return true;
}

void AuditVerifier::AddProblem(AuditProblem p, uint64_t seq, std::string detail) {
  if (!other_problem_.ok() && other_problem_.seq <= seq) return;
  other_problem_.problem = p;
  other_problem_.seq = seq;
  other_problem_.detail = std::move(detail);
}

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
  checkpoints_[cp.seq()] = Checkpoint{cp.head_hash(), cp.next_within_entries()};
}

bool AuditVerifier::AddEntry(uint64_t key_seq, const std::string& bytes, v1::AuditEntry* parsed) {
  if (stopped_) return false;
  v1::AuditEntry local;
  v1::AuditEntry& e = parsed != nullptr ? *parsed : local;
  if (StartIsMissing(key_seq)) return false;
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
  if (StartIsMissing(key_seq)) return false;
  if (next_seq_ == 0) {
    // The first entry anchors the chain: genesis for seq 1, else (a ranged
    // export) the prev_hash it records.
    next_seq_ = key_seq;
    prev_hash_ = key_seq == 1 ? audit::GenesisHash() : e.prev_hash();
    report_.first_seq = key_seq;
    // A whole log: its first checkpoint is due within `checkpoint_every_`
    // if there is none, or if the first one is of the kind that promises
    // (a server that promises writes one with entry 1). A log whose first
    // checkpoint promises nothing was written before promises existed.
    if (key_seq == 1 && (checkpoints_.empty() || checkpoints_.begin()->second.next_within > 0)) {
      checkpoint_due_ = checkpoint_every_;
    }
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
  auto cp = checkpoints_.find(key_seq);
  if (cp != checkpoints_.end() && cp->second.head_hash != e.hash()) {
    Fail(AuditProblem::kCheckpointMismatch, key_seq,
         absl::StrCat("the signed checkpoint at seq ", key_seq, " names head hash ",
                      audit::Hex(cp->second.head_hash), ", the chain has ", audit::Hex(e.hash()),
                      " (entries up to it were rewritten)"));
    return false;
  }
  if (cp != checkpoints_.end()) {
    checkpoint_due_ = cp->second.next_within > 0 ? key_seq + cp->second.next_within : 0;
  } else if (checkpoint_due_ != 0 && key_seq >= checkpoint_due_) {
    // The server writes the promised checkpoint in the batch of the entry
    // that reaches it: this entry exists, so its checkpoint was deleted.
    auto before = checkpoints_.lower_bound(key_seq);
    const bool any_before = before != checkpoints_.begin();
    const uint64_t from = any_before ? std::prev(before)->first : 0;
    Fail(AuditProblem::kCheckpointMissing, key_seq,
         any_before
             ? absl::StrCat("no signed checkpoint at seq ", from + 1, "..", key_seq, ", though the checkpoint at seq ",
                            from, " promised the next within ", key_seq - from,
                            " entries (checkpoints were deleted; entries after seq ", from,
                            " are not covered by a signature)")
             : absl::StrCat("no signed checkpoint at seq 1..", key_seq, " (a log holds one within its first ",
                            key_seq, " entries; checkpoints were deleted, nothing up to here is covered by a "
                            "signature; for a server set to more, pass --checkpoint-every-entries)"));
    return false;
  }
  if (key_seq == expected_head_.seq) hash_at_expected_ = e.hash();
  seen_[e.hash()] = key_seq;
  prev_hash_ = e.hash();
  report_.last_seq = key_seq;
  ++report_.entries;
  ++next_seq_;
  return true;
}

AuditVerifyReport AuditVerifier::Finish() {
  if (report_.ok() && !checkpoints_.empty()) {
    const uint64_t last_cp = checkpoints_.rbegin()->first;
    if (last_cp > report_.last_seq) {
      const uint64_t missing = report_.entries == 0 ? 1 : report_.last_seq + 1;
      Fail(AuditProblem::kMissing, missing,
           absl::StrCat("the log ends at seq ", report_.last_seq, " but a signed checkpoint names seq ",
                        last_cp, " (the tail was truncated)"));
    }
  }
  if (expected_head_.seq != 0) {
    // Checked against the verified chain only: past a break, the break is
    // the finding.
    if (report_.ok() && report_.last_seq < expected_head_.seq) {
      Fail(AuditProblem::kMissing, report_.last_seq + 1,
           absl::StrCat("the log ends at seq ", report_.last_seq, " but the head recorded outside the database is seq ",
                        expected_head_.seq, ": entries ", report_.last_seq + 1, "..", expected_head_.seq,
                        " are missing (the database was rolled back to an older copy, or its tail was "
                        "removed with its checkpoints)"));
    } else if (!hash_at_expected_.empty() && !expected_head_.hash.empty() &&
               hash_at_expected_ != expected_head_.hash) {
      AddProblem(AuditProblem::kChanged, expected_head_.seq,
                 absl::StrCat("entry ", expected_head_.seq, " has hash ", audit::Hex(hash_at_expected_),
                              ", the head recorded outside the database is ", expected_head_.seq, ":",
                              audit::Hex(expected_head_.hash),
                              " (entries up to it were rewritten, or this is another log)"));
    }
  }
  // The first broken sequence number wins; a bad checkpoint signature counts
  // at the checkpoint's seq.
  // A checkpoint whose signature fails is missing from the chain's view
  // too: at the same seq, the signature is the finding.
  for (const AuditVerifyReport* other : {&sig_problem_, &other_problem_}) {
    if (!other->ok() && (report_.ok() || other->seq < report_.seq ||
                         (other->seq == report_.seq && report_.problem == AuditProblem::kCheckpointMissing))) {
      report_.problem = other->problem;
      report_.seq = other->seq;
      report_.detail = other->detail;
    }
  }
  report_.head_hash_hex = audit::Hex(prev_hash_);
  return report_;
}

}  // namespace caselink::storage
