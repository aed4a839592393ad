// CommitPipeline is the single path by which the server makes anything
// durable. Callers hand in the puts of one logical change plus records to
// append to sequenced logs (the access log, the event stream); the requests
// waiting are written as one group: each appended record gets the next
// sequence number of its log in commit order, the log's sealer finishes the
// record (e.g. extends a hash chain), and the whole group is one RocksDB
// WriteBatch. So a change and its log records are atomic, logs have no gaps
// or reordering, and concurrent writers share one fsync (group commit) while
// the chain stays strictly ordered.
//
// No committer thread: the first caller to find nobody writing becomes the
// leader and writes the group (its own request and everybody's queued behind
// it) on its own thread, then hands the lead to the first request that queued
// meanwhile; the others sleep until their group is written, as in RocksDB's
// own write group. An uncontended commit (the access-log entry of a read)
// therefore costs no thread hand-off at all.
//
// A caller that must not block on other callers' work (a read's access-log
// entry, whose worker thread can serve the next call meanwhile) uses
// CommitAsync: it is answered through a callback, on the thread that writes
// its group or, for a durable request, on the syncer's. A thread leading a
// group passes the lead on to a caller waiting in Commit; if the next request
// is an asynchronous one, nobody waits on it, so the thread leads on.
//
// Writing and syncing are two stages: a syncer thread fsyncs the log for the
// groups written before, so the next group is built while the disk syncs. A
// durable request (the default) is answered once its group is synced; a
// request with `durable = false` (the access-log entry of a read) is answered
// once its group is written: it survives a crash of the process (kill -9),
// and reaches the disk with the next sync (a durable write's, or at the
// latest kLazySync after it was written).
//
// A failed write fails every request of its group and advances no sequence:
// nothing of a failed request is stored. A failed fsync leaves the state on
// disk unknown, so the pipeline then refuses every later commit (the process
// must restart and recover from the log), as databases do. After a write
// that failed with an I/O error (a full disk) the log is never synced again:
// durable requests still waiting fail as after a failed fsync. Thread-safe.
//
// Example:
//   CommitRequest req;
//   req.puts.push_back({Table::kCaseHeads, id, bytes});
//   req.appends.push_back({Table::kEvents, event_bytes, {}});
//   CASELINK_ASSIGN_OR_RETURN(CommitResult r, pipeline.Commit(std::move(req)));
//   // r.sequences[0] is the event's sequence number.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/database.h"

namespace caselink::storage {

struct Put {
  Table table;
  std::string key;
  std::string value;
};

// A secondary key of an appended record, known before its sequence number:
// `prefix` followed by the record's big-endian sequence number is written to
// `table`, with an empty value, in the record's batch (e.g. agency \0 seq).
//
// `counted`: the key ends instead with the prefix's own count (1, 2, … for
// the records indexed under this prefix, continuing after the last key
// already there) and its value is the record's sequence key. A reader of one
// prefix then sees consecutive numbers that tell nothing of the records
// indexed under other prefixes (an agency's event cursors: a gap in them
// would count the district's events addressed to others). A counted prefix
// must not begin another prefix of its table (event prefixes end with \0,
// which no agency id holds): its count is read from its last key.
struct IndexPrefix {
  Table table;
  std::string prefix;
  bool counted = false;
};

struct Append {
  Table table;  // a sequenced log: keys are big-endian uint64 sequence numbers
  std::string payload;
  // Computed by whoever built the payload, so the leader writing the group
  // (one group at a time) never parses a record to find its keys.
  std::vector<IndexPrefix> index;
};

// Removes a key of a derived table (an index entry that no longer holds) or
// a document chunk no document refers to. History tables are never deleted
// from.
struct Delete {
  Table table;
  std::string key;
};

struct CommitRequest {
  std::vector<Put> puts;
  std::vector<Append> appends;
  std::vector<Delete> deletes;
  // Answer only once fsynced; false: once written to the write-ahead log.
  bool durable = true;
};

struct CommitResult {
  std::vector<uint64_t> sequences;  // one per append, in order
};

// Turns an appended payload into the stored value, given its sequence number.
// Runs on the thread leading the group, one group at a time, in sequence
// order, so it may keep state (the previous hash). `rollback` is called with the first sequence of a group
// whose write failed, so the sealer can forget what it chained after it.
struct Sealer {
  std::function<absl::StatusOr<std::string>(uint64_t seq, const std::string& payload)> seal;
  std::function<void(uint64_t first_failed_seq)> rollback;
  // Extra puts to write with a group after its records (e.g. a signed
  // checkpoint); called once per group that appended to this log.
  std::function<std::vector<Put>(uint64_t last_seq)> after_group;
};

class CommitPipeline {
 public:
  // How long a group whose requests were all `durable = false` may wait
  // for its fsync when no durable write comes to share one.
  static constexpr absl::Duration kLazySync = absl::Milliseconds(10);

  // Finds the next sequence number of every log table from the database.
  explicit CommitPipeline(Database* db);
  // Commits what is queued, syncs it, then stops the syncer.
  ~CommitPipeline();
  CommitPipeline(const CommitPipeline&) = delete;
  CommitPipeline& operator=(const CommitPipeline&) = delete;

  // Installs the sealer of a log table; call before the first Commit (the
  // leaders read the sealers without a lock).
  void SetSealer(Table table, Sealer sealer);

  // Blocks until the request is durable (synced) or has failed.
  absl::StatusOr<CommitResult> Commit(CommitRequest request);

  // Commits like Commit, but the caller does not wait for others: `done`
  // gets what Commit would return, once the request is written (or synced,
  // if durable), possibly on this thread before CommitAsync returns (it may
  // write its group and those queued behind it), else on the thread that
  // writes its group or the syncer's. `done` must not block or call Commit.
  using Done = std::function<void(absl::StatusOr<CommitResult>)>;
  void CommitAsync(CommitRequest request, Done done);

  // Calls `listener(table, last_seq)` on the syncer thread once each group
  // that appended to `table` is synced (e.g. to wake event streams), before
  // the group's durable requests are answered. Listeners must not block or
  // call Commit.
  void AddListener(std::function<void(Table table, uint64_t last_seq)> listener);

  // The next sequence number the log will assign (for tests and metrics).
  uint64_t NextSequence(Table table) const;

  // For tests: makes every following group write fail with `status` until
  // cleared with OkStatus() (a real part that cannot fail on demand), or
  // only the next `groups` groups if `groups` > 0.
  void InjectFailureForTest(absl::Status status, int groups = 0);

  // Big-endian encoding of a sequence number, the key of a log record.
  static std::string SequenceKey(uint64_t seq);
  static uint64_t DecodeSequenceKey(const std::string& key);

 private:
  // One request, from Commit() to its answer. Its state moves from
  // kQueued to kDone, or to kLead (its thread writes the next group) and
  // then kDone.
  struct Pending {
    enum class State { kQueued, kLead, kDone };
    CommitRequest request;
    // Set for CommitAsync: the request is answered through it and the
    // pipeline owns (and deletes) the Pending; else a thread waits in Commit.
    Done done;
    absl::Status status;
    CommitResult result;
    absl::Mutex mu;
    State state ABSL_GUARDED_BY(mu) = State::kQueued;
    absl::CondVar cv;
    void Set(State s) ABSL_LOCKS_EXCLUDED(mu);
    // Waits until the state is not kQueued (not kDone with `done_only`).
    State Await(bool done_only) ABSL_LOCKS_EXCLUDED(mu);
  };

  // A written group whose members wait for the fsync (`durable` of them).
  struct Written {
    std::vector<Pending*> waiting;
    std::map<Table, uint64_t> last_in_group;
  };

  // Run by a leader: writes groups until the queue is empty or its front is
  // a caller waiting in Commit, who is handed the lead.
  void Lead() ABSL_LOCKS_EXCLUDED(mu_);
  // Writes one group from the queue; returns the request at the queue's
  // front after it (it keeps the lead), or null if the queue is empty (the
  // lead is given up). `written`: the requests to answer now (not durable).
  Pending* LeadOneGroup(std::vector<Pending*>* written) ABSL_LOCKS_EXCLUDED(mu_);
  // Answers `p`: wakes its caller, or runs its callback and deletes it.
  static void Answer(Pending* p);
  void RunSyncer();
  // Writes the group; returns false if it failed (members already answered).
  bool CommitGroup(std::vector<Pending*>& group, std::map<Table, uint64_t>* last_in_group);
  // The next count of a counted index prefix (see IndexPrefix), taken in
  // `group_counts` (the counts of the group being written, kept only if it
  // is written), else from the counts of earlier groups, else from the
  // last key under the prefix in the database.
  absl::StatusOr<uint64_t> NextCount(const IndexPrefix& ix, absl::flat_hash_map<std::string, uint64_t>* group_counts)
      ABSL_LOCKS_EXCLUDED(counts_mu_);

  Database* db_;
  // Held around each write to the log and each fsync of it, so a fsync never
  // overlaps a write that fails: RocksDB must not sync a log file whose write
  // failed (its assertion builds, Debian's among them, abort). A group waits
  // for a fsync in progress before it is written; the requests that arrive
  // meanwhile join the next, larger group. Taken before mu_, never after.
  absl::Mutex log_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  // mu_ guards the queue, the lead, the sequence counters, the listeners,
  // and the hand-over to the syncer. Nobody holds it while writing or
  // syncing: it is taken only to move work along.
  mutable absl::Mutex mu_;
  absl::CondVar idle_cv_;  // signalled when the last leader steps down
  std::deque<Pending*> queue_ ABSL_GUARDED_BY(mu_);
  bool leading_ ABSL_GUARDED_BY(mu_) = false;  // a thread is writing a group
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool writers_done_ ABSL_GUARDED_BY(mu_) = false;
  // Read by NextSequence; written by the leader, at the end of a group.
  std::map<Table, uint64_t> next_seq_ ABSL_GUARDED_BY(mu_);
  // The next count of each counted index prefix seen (key: table byte, then
  // the prefix), updated by the leaders after each group written. Its own
  // lock, taken alone: one group is written at a time, so it never waits.
  absl::Mutex counts_mu_;
  absl::flat_hash_map<std::string, uint64_t> next_count_ ABSL_GUARDED_BY(counts_mu_);
  // Written by SetSealer before the first Commit, then read by the leaders.
  std::map<Table, Sealer> sealers_;
  absl::Status injected_failure_ ABSL_GUARDED_BY(mu_);
  // > 0: the injected failure is cleared after so many groups.
  int injected_groups_left_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::function<void(Table, uint64_t)>> listeners_ ABSL_GUARDED_BY(mu_);
  // The sync stage: groups written and not yet synced, how many durable
  // requests wait among them, and the status of the last fsync (not OK: the
  // pipeline is broken).
  absl::CondVar sync_cv_;  // signalled when a durable request waits or writers_done_ is set
  std::deque<Written> unsynced_ ABSL_GUARDED_BY(mu_);
  size_t durable_waiting_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status sync_failure_ ABSL_GUARDED_BY(mu_);
  // The first write that failed with an I/O error: the log file may not be
  // synced after it (see RunSyncer).
  absl::Status write_failure_ ABSL_GUARDED_BY(mu_);
  std::thread syncer_;
};

}  // namespace caselink::storage
