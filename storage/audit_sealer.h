// AuditChain keeps the hash chain of the access log (Table::kAuditLog) in the
// CommitPipeline's groups, one group at a time: it seals each appended AuditEntry
// (seq, prev_hash, hash) — its index keys come with the append
// (audit::EntryAppend) — and signs a checkpoint every
// N entries or T seconds — all in the batch of the entries themselves. The
// N-th entry after a checkpoint is sealed with the next one (also in the
// middle of a group), and each checkpoint promises N in its signed bytes
// (next_within_entries), so no N+1 entries are ever without a checkpoint:
// `caselink-admin audit verify` reports CHECKPOINT_MISSING otherwise. If
// that checkpoint cannot be signed, the entry is not written either. A
// failed group is forgotten (rollback), so the chain only ever extends what
// is durable. It resumes from the log's head on restart. Thread-safe.
//
// Example:
//   CommitPipeline pipeline(db.get());
//   CASELINK_ASSIGN_OR_RETURN(auto chain, AuditChain::Attach(db.get(), &pipeline, options));
//   CommitRequest req;
//   req.appends.push_back(audit::EntryAppend(entry));
//   pipeline.Commit(std::move(req));
#pragma once

#include <cstdint>
#include <functional>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "caselink/v1/audit.pb.h"
#include "storage/audit_chain.h"
#include "storage/commit_pipeline.h"
#include "storage/database.h"

namespace caselink::storage {

struct AuditChainOptions {
  int checkpoint_every_entries = 1000;
  absl::Duration checkpoint_every = absl::Seconds(60);
  // Signs checkpoints; required. Must outlive the chain.
  const audit::CheckpointSigner* signer = nullptr;
  std::function<absl::Time()> now = [] { return absl::Now(); };
};

class AuditChain {
 public:
  // Reads the head of the log and its last checkpoint, then installs the
  // sealer on `pipeline` (before its first Commit). DATA_LOSS if the head
  // entry cannot be read, or the last signed checkpoint is past the head or
  // names it with another hash (entries removed: run `caselink-admin audit
  // verify`). The chain must outlive every Commit of the pipeline.
  static absl::StatusOr<std::unique_ptr<AuditChain>> Attach(Database* db, CommitPipeline* pipeline,
                                                            AuditChainOptions options);

  // Writes a signed checkpoint of the head if entries were written since the
  // last one (e.g. at shutdown, so a truncated tail is detectable); syncs
  // first, so reads' entries not yet synced are covered too.
  absl::Status CheckpointNow();

  // The sequence number and hash of the last durable entry (0, genesis if none).
  uint64_t head_seq() const;
  std::string head_hash() const;

 private:
  struct State {
    uint64_t seq = 0;
    std::string hash = audit::GenesisHash();
    uint64_t since_checkpoint = 0;
    // The entry that makes `since_checkpoint` reach this is sealed with a
    // checkpoint in its own batch: what the last checkpoint promised
    // (next_within_entries), so the promise holds across a restart with
    // another setting; 1 while the log has no checkpoint (the first entry
    // gets one).
    uint64_t limit = 1;
    absl::Time last_checkpoint = absl::InfinitePast();
  };

  AuditChain(Database* db, CommitPipeline* pipeline, AuditChainOptions options)
      : db_(db), pipeline_(pipeline), options_(std::move(options)) {}
  absl::Status Load();
  absl::StatusOr<std::string> Seal(uint64_t seq, const std::string& payload);
  std::vector<Put> AfterGroup(uint64_t last_seq);
  void Rollback(uint64_t first_seq);
  void Durable(uint64_t last_seq);

  Database* db_;
  CommitPipeline* pipeline_;
  AuditChainOptions options_;
  mutable absl::Mutex mu_;
  State committed_ ABSL_GUARDED_BY(mu_);  // what is durable
  State working_ ABSL_GUARDED_BY(mu_);    // committed_ plus the groups sealed since
  // The state at the end of each group sealed and not yet durable, oldest
  // first (a read's entries are answered once written and synced within
  // CommitPipeline::kLazySync, so several groups can be in between):
  // Durable(last) makes the one ending at `last` the committed state, even
  // while the next group is being sealed; Rollback(first) returns to the one
  // before `first`, not to an older durable state the written groups are past.
  std::deque<State> sealed_ ABSL_GUARDED_BY(mu_);
  // Checkpoints signed by Seal in the group being written, for AfterGroup.
  std::vector<Put> pending_ ABSL_GUARDED_BY(mu_);
  bool in_group_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace caselink::storage
