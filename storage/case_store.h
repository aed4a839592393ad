// CaseStore keeps every version of every case and the idempotency record of
// each submission — all written in one synced batch through the
// CommitPipeline, together with whatever the caller attaches (its access-log
// entry, events). Thread-safe; submissions of the same case serialize on it.
//
// Each version is stored once: the latest as the case's head (what reads,
// listings and searches use), and when a new version is written, the one it
// supersedes moves, byte for byte and in the same batch, into the history,
// where nothing is ever rewritten. (Databases written before this layout also
// hold the latest version in the history; both read the same.)
//
// Example:
//   CASELINK_ASSIGN_OR_RETURN(auto db, Database::Open("/var/lib/caselink/db"));
//   CommitPipeline pipeline(db.get());
//   CaseStore store(db.get(), &pipeline);
//   SubmitCommand cmd{.agency = "market", .request_id = "r1", ...};
//   CASELINK_ASSIGN_OR_RETURN(SubmitOutcome out, store.Submit(cmd));
//   CASELINK_ASSIGN_OR_RETURN(v1::Case latest, store.Get(out.stored.case_id(), 0));
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "caselink/v1/case.pb.h"
#include "caselink_common/district_time_zone.h"
#include "storage/case_index.h"
#include "storage/commit_pipeline.h"
#include "storage/database.h"
#include "storage/key_locks.h"

namespace caselink::storage {

struct SubmitCommand {
  // The owning agency, from the caller's certificate.
  std::string agency;
  // The client's idempotency key, and a digest of the request it came with.
  std::string request_id;
  std::string request_digest;
  // Validated content; server-assigned fields are overwritten.
  v1::Case content;
  // 0 creates a case; otherwise the latest version the caller read.
  int64_t expected_version = 0;
  absl::Time now;
  // Called with the current latest version before a new version is written,
  // inside the case's lock (the caller's authorization of the change). An
  // error aborts the submission unchanged.
  std::function<absl::Status(const v1::Case& current)> check_current;
  // Optional, for a change made by someone other than the owner from what is
  // stored (CaseService.MarkMajor): the new version's content computed from
  // the current latest version under the case's lock; expected_version is
  // then not checked (the change is relative, not a rewrite of what was read).
  std::function<absl::StatusOr<v1::Case>(const v1::Case& current)> derive;
  // Called with the version about to be stored; what it adds to `commit` is
  // written in the same batch (access-log entry, events, links).
  std::function<absl::Status(const v1::Case& next, CommitRequest* commit)> attach;
};

struct SubmitOutcome {
  v1::Case stored;
  // True if request_id was seen before with the same request: nothing new
  // was written and `stored` is what the first request stored.
  bool replayed = false;
};

struct ListQuery {
  // Exclusive lower bound on case_id; empty starts at the beginning.
  std::string start_after;
  // Stop after this many matching cases.
  int limit = 50;
  // Stop after examining this many cases (bounds the cost of a selective
  // filter); the page then ends early with `more` set.
  int scan_budget = 10000;
  // Rows for which this returns false are skipped (policy, filters).
  std::function<bool(const v1::Case&)> filter;
};

struct ListPage {
  std::vector<v1::Case> cases;
  // The last case_id taken or passed over: where the next page starts.
  std::string resume_after;
  // Set if a row the filter keeps is left after a full page, or the scan
  // budget ran out first; never because rows the filter drops follow (a
  // token must not tell a caller that rows it may not see exist).
  bool more = false;
};

class CaseStore {
 public:
  // `party_index_key` is the HMAC key of the party-id index (see
  // case_index.h); empty disables party-id search. New case ids carry their
  // creation day in `tz`, the district's time zone.
  CaseStore(Database* db, CommitPipeline* pipeline, std::string party_index_key = "",
            absl::TimeZone tz = DefaultDistrictTimeZone())
      : db_(db), pipeline_(pipeline), index_(std::move(party_index_key)), tz_(tz) {}

  // Creates a case or appends a version. Errors: NotFound (no such case),
  // FailedPrecondition (stale expected_version), AlreadyExists (request_id
  // reused with a different request), any error of check_current or attach,
  // and the pipeline's errors. A failed submission writes nothing.
  absl::StatusOr<SubmitOutcome> Submit(const SubmitCommand& cmd);

  // Called once per batch that writes, with the versions about to be stored
  // and the stored versions replayed items answer (a retry of a stored
  // request: the caller learns them, so its access-log entry names them);
  // refused items are in neither. What it adds is written in the same batch.
  using BatchAttach = std::function<absl::Status(const std::vector<const v1::Case*>& written,
                                                 const std::vector<const v1::Case*>& replayed,
                                                 CommitRequest* commit)>;

  // Submits each command as Submit would (cmd.attach is not called; `attach`
  // is), and writes every accepted one in a single synced batch: one fsync
  // for a whole ledger page. Results are per command, in order; a refused
  // command writes nothing, and a failed batch write fails every command that
  // would have written. A case or request_id twice in one batch: the second
  // gets FailedPrecondition.
  std::vector<absl::StatusOr<SubmitOutcome>> SubmitBatch(const std::vector<SubmitCommand>& cmds,
                                                         const BatchAttach& attach);

  // Runs `fn` with the latest version of `case_id` under the case's lock
  // (so no new version is written meanwhile) and commits what it adds to the
  // request: derived data such as screening hits, recomputed after a rule
  // change. Not synced (it can be recomputed). NotFound if there is no such
  // case; nothing is written if `fn` adds nothing or fails.
  absl::Status UpdateDerived(const std::string& case_id,
                             const std::function<absl::Status(const v1::Case& latest, CommitRequest* commit)>& fn);

  // The given version, or the latest for version 0. NotFound if absent.
  // `at`: read as of this snapshot (see ReadSnapshot); null reads the latest.
  absl::StatusOr<v1::Case> Get(const std::string& case_id, int64_t version,
                               const rocksdb::Snapshot* at = nullptr) const;

  // Every version of a case, oldest first. NotFound if the case is absent.
  absl::StatusOr<std::vector<v1::Case>> Versions(const std::string& case_id) const;

  // Latest versions ordered by case_id.
  absl::StatusOr<ListPage> List(const ListQuery& q) const;

  // Calls `fn` with the latest version of every case, in case_id order, until
  // it returns false. Streaming: one case in memory at a time (the same
  // message is reused, so copy what you keep), and the scan does not fill the
  // block cache, so a report over millions of cases does not evict the
  // working set. Errors: DataLoss for a corrupted record, RocksDB errors.
  absl::Status ForEachLatest(const std::function<bool(const v1::Case&)>& fn,
                             const rocksdb::Snapshot* at = nullptr) const;

  // Like ForEachLatest, but only the cases dated in [from_date, to_date)
  // ("YYYY-MM-DD", compared as strings): a case is dated by its penalty
  // decision (penalty.decision_date), else by the day it was created in the
  // district's zone. Read through the date index (see EnsureDateIndex), so a
  // report over a month reads that month's cases, not every case; a period
  // holding over a quarter of the cases (RocksDB's size estimate of the
  // index) is read by a scan of every head, which is cheaper then. Order:
  // unspecified. Errors: DataLoss for a corrupted record or an index key
  // whose case is missing.
  absl::Status ForEachLatestDated(const std::string& from_date, const std::string& to_date,
                                  const std::function<bool(const v1::Case&)>& fn,
                                  const rocksdb::Snapshot* at = nullptr) const;

  // Makes the date index whole: a database written before it existed, or
  // indexed in another time zone, is indexed anew from the heads (once; a
  // marker in the meta table names the zone). Call before the first Submit.
  absl::Status EnsureDateIndex();
  // True once EnsureDateIndex succeeded: ForEachLatestDated sees every case,
  // dated in `date_zone()`.
  bool dates_ready() const { return dates_ready_.load(); }
  std::string date_zone() const { return tz_.name(); }

  // The date a case is filed under in the date index (see ForEachLatestDated).
  static std::string ReportDate(const v1::Case& c, absl::TimeZone tz);

  // A consistent view of the whole database (every table) as of now, for a
  // reader that must see cases and workflow items at one instant (the
  // joint-meeting report). Released when the last copy goes.
  std::shared_ptr<const rocksdb::Snapshot> ReadSnapshot() const;

  // Latest versions of the cases whose index keys start with `prefix` (from
  // index()), ordered by case_id; q.start_after is a case_id.
  absl::StatusOr<ListPage> SearchIndex(const std::string& prefix, const ListQuery& q) const;

  const CaseIndex& index() const { return index_; }

 private:
  // Checks one command against the stored state and adds its writes to
  // `commit` (caller holds the locks of its keys).
  absl::StatusOr<SubmitOutcome> Prepare(const SubmitCommand& cmd, v1::Case next,
                                        const std::string& req_key, CommitRequest* commit) const;
  // Whether the history already holds this version (older layout).
  absl::StatusOr<bool> VersionKept(const std::string& case_id, int64_t version) const;

  Database* db_;
  CommitPipeline* pipeline_;
  CaseIndex index_;
  KeyLocks locks_;
  absl::TimeZone tz_;
  std::atomic<bool> dates_ready_{false};
};

}  // namespace caselink::storage
