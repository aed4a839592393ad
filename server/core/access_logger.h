// AccessLogger turns what the enforcement path learned about a call (an
// AccessRecord and the call's final status) into one AuditEntry and commits
// it through the CommitPipeline, where the AuditChain seals it into the hash
// chain. Party ids are recorded only as HMAC-SHA256 under the audit key.
// Every RPC is logged once: ConcludeCall calls Log() before the answer leaves
// (and fails the call if that fails); a write puts its entry into its own
// batch with AttachEntry()/AttachItemEntry(); an action that writes outside
// the database (a backup) logs a synced entry before it runs (LogBeforeAction).
//
// Admission control: what an entry copies from the request (purpose,
// purpose_case_ref, case_id) is cleaned and cut (log_field.h); a refused
// call is logged compactly (no case lists or field paths: nothing was
// returned), and per certificate only refused_entries_per_minute of them one
// by one, the rest counted into one summary entry (refusal_limiter.h).
// When the disk is full the call gets UNAVAILABLE saying so, the metric
// caselink_storage_full is 1 and the operator's log says why. Thread-safe.
//
// Example (a write handler):
//   cmd.attach = [&](const v1::Case& next, storage::CommitRequest* commit) {
//     return sc.access_log->AttachEntry(scope, next, commit);
//   };
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "caselink/v1/audit.pb.h"
#include "caselink/v1/case.pb.h"
#include "server/core/call_guard.h"
#include "server/core/metrics_registry.h"
#include "server/core/refusal_limiter.h"
#include "storage/audit_chain.h"
#include "storage/commit_pipeline.h"

namespace caselink::server {

// How much of a request's own text an entry keeps (characters), for an
// answered call and for a refused one.
inline constexpr size_t kLoggedPurposeChars = 1000;
inline constexpr size_t kLoggedCaseRefChars = 200;
inline constexpr size_t kLoggedCaseIdChars = 64;
inline constexpr size_t kRefusedTextChars = 64;
// An entry larger than this (a listing's) is not kept for reuse by its thread.
inline constexpr size_t kScratchEntryBytes = 64 << 10;

class AccessLogger {
 public:
  // `hmac_key`: 32+ bytes; `now`: the server's clock.
  // `sync_reads`: the entry of a call that wrote nothing is fsynced before
  // the answer (else only written to the log; see AuditConfig).
  // `refused_per_minute`: refused calls logged one by one per certificate
  // per minute (AuditConfig.refused_entries_per_minute; 0 means 60).
  AccessLogger(storage::CommitPipeline* pipeline, std::string hmac_key,
               std::function<absl::Time()> now, bool sync_reads = true, int refused_per_minute = 0);
  // Writes the summaries still pending (see FlushSuppressed).
  ~AccessLogger();
  AccessLogger(const AccessLogger&) = delete;
  AccessLogger& operator=(const AccessLogger&) = delete;

  // Commits the entry of a finished call (durable, in a group commit), or
  // counts it if it is a refusal over its certificate's budget.
  // An error means the entry was not stored: the call must not be answered.
  absl::Status Log(const AccessRecord& record, const absl::Status& outcome) const;
  // The same without blocking the caller on the group write: `done` gets
  // what Log would return once the entry is written (synced if
  // configured), on this thread or the one that writes the entry's group
  // (storage::CommitPipeline::CommitAsync). `done` must not block.
  void LogAsync(const AccessRecord& record, const absl::Status& outcome,
                std::function<void(absl::Status)> done) const;

  // Adds the entry of a successful write of `written` to `commit` (the write's
  // own batch) and marks scope.record so ConcludeCall does not log it again
  // (if the batch then fails, the handler fails the call and ConcludeCall logs
  // the failure as its own entry).
  absl::Status AttachEntry(const CallScope& scope, const v1::Case& written,
                           storage::CommitRequest* commit) const;
  // The same for a call that wrote several cases in one batch: one entry
  // naming every case written, and the `replayed` ones its answer names.
  absl::Status AttachEntries(const CallScope& scope, const std::vector<const v1::Case*>& written,
                             storage::CommitRequest* commit,
                             const std::vector<const v1::Case*>& replayed = {}) const;
  // The same for a workflow step on item `item_id` linking `case_ids`.
  // `shown` (CallGuard::PreviewRecord of the answer, may be null) gives the
  // field paths and parties the answer will show; without it, an answer
  // showing any gets a second entry after the write (unary_call.cc).
  absl::Status AttachItemEntry(const CallScope& scope, const std::string& item_id,
                               const std::vector<std::string>& case_ids,
                               storage::CommitRequest* commit, const AccessRecord* shown = nullptr) const;

  // For an action with effects outside the database (a backup): commits and
  // fsyncs the call's entry (OK, `detail` saying what is about to be done)
  // before the action runs, and marks scope.record as logged. If the action
  // then fails, ConcludeCall logs the failure as a second entry.
  absl::Status LogBeforeAction(const CallScope& scope, const std::string& detail) const;
  // An operator's action on the running server that no RPC carries (the
  // policy reload on SIGHUP): a synced entry with `method`, `detail` and
  // `outcome`, no agency.
  absl::Status LogOperatorAction(const std::string& method, const std::string& detail,
                                 const absl::Status& outcome) const;

  // Writes a summary entry for every refusal window that has ended (every
  // window if `all`, at shutdown). The server calls it about once a second.
  absl::Status FlushSuppressed(bool all) const;
  // Runs FlushSuppressed(false) every `every` on a thread of its own until
  // destruction.
  void StartFlusher(absl::Duration every = absl::Seconds(1));

  // Registers caselink_storage_full, caselink_access_log_write_failures_total
  // and caselink_access_log_refusals_suppressed_total.
  void AttachMetrics(metrics::Registry* registry);

  // The entry for `record` with `outcome` (no seq or hashes: the chain adds them).
  v1::AuditEntry BuildEntry(const AccessRecord& record, const absl::Status& outcome) const;
  // The same into `entry`, which must be clear (it may hold the buffers of a
  // previous entry to reuse).
  void BuildEntryInto(const AccessRecord& record, const absl::Status& outcome, v1::AuditEntry* entry) const;

  // HMAC-SHA256 of a party id under the audit key (how PartyAccess looks up).
  std::string PartyHmac(const std::string& party_id) const;
  // The HMAC a search by party name is logged and found under: of the name
  // as written, prefixed so that it never equals an id's.
  std::string PartyNameHmac(const std::string& name) const;

  // Whether the last write of an entry failed because the disk is full.
  bool storage_full() const { return storage_full_; }

 private:
  v1::AuditEntry SummaryEntry(const RefusalLimiter::Summary& s) const;
  // The request holding the call's entry (and the refusal summaries due);
  // no appends if the refusal is only counted.
  storage::CommitRequest EntryRequest(const AccessRecord& record, const absl::Status& outcome) const;
  static storage::CommitRequest RequestOf(std::vector<v1::AuditEntry> entries, bool durable);
  // Commits `entries` as one request; on failure notes it (metric, log).
  absl::Status Commit(std::vector<v1::AuditEntry> entries, bool durable, const std::string& method,
                      const std::string& agency) const;
  // What the caller of a commit of entries gets: OK, or the failure noted
  // and turned into the call's status.
  absl::Status Committed(const absl::Status& commit, const std::string& method,
                         const std::string& agency) const;
  void NoteFailure(const absl::Status& s) const;

  storage::CommitPipeline* pipeline_;
  storage::audit::HmacSha256Key hmac_key_;
  std::function<absl::Time()> now_;
  bool sync_reads_;
  mutable RefusalLimiter limiter_;
  mutable std::atomic<bool> storage_full_{false};
  mutable std::atomic<int64_t> last_full_warning_micros_{0};
  metrics::Family<metrics::Counter>* write_failures_ = nullptr;
  metrics::Family<metrics::Counter>* suppressed_ = nullptr;

  absl::Mutex flusher_mu_;
  bool stopping_ ABSL_GUARDED_BY(flusher_mu_) = false;
  std::thread flusher_;
};

// The status a call gets when its access-log entry could not be written
// (`cause`: why, to tell a full disk from other failures).
absl::Status AccessLogUnavailable(const absl::Status& cause = absl::OkStatus());

}  // namespace caselink::server
