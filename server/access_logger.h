// AccessLogger turns what the enforcement path learned about a call (an
// AccessRecord and the call's final status) into one AuditEntry and commits
// it through the CommitPipeline, where the AuditChain seals it into the hash
// chain. Party ids are recorded only as HMAC-SHA256 under the audit key.
// Every RPC is logged once: RunGuarded calls Log() before the answer leaves
// (and fails the call if that fails); a write puts its entry into its own
// batch with AttachEntry(). Thread-safe.
//
// Example (a write handler):
//   cmd.attach = [&](const v1::Case& next, storage::CommitRequest* commit) {
//     return sc.access_log->AttachEntry(scope, next, commit);
//   };
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "caselink/v1/audit.pb.h"
#include "caselink/v1/case.pb.h"
#include "server/call_guard.h"
#include "storage/commit_pipeline.h"

namespace caselink::server {

class AccessLogger {
 public:
  // `hmac_key`: 32+ bytes; `now`: the server's clock.
  // `sync_reads`: the entry of a call that wrote nothing is fsynced before
  // the answer (else only written to the log; see AuditConfig).
  AccessLogger(storage::CommitPipeline* pipeline, std::string hmac_key,
               std::function<absl::Time()> now, bool sync_reads = true)
      : pipeline_(pipeline), hmac_key_(std::move(hmac_key)), now_(std::move(now)),
        sync_reads_(sync_reads) {}

  // Commits the entry of a finished call (durable, in a group commit).
  // An error means the entry was not stored: the call must not be answered.
  absl::Status Log(const AccessRecord& record, const absl::Status& outcome) const;

  // Adds the entry of a successful write of `written` to `commit` (the write's
  // own batch) and marks scope.record so RunGuarded does not log it again
  // (if the batch then fails, RunGuarded logs the failure as its own entry).
  absl::Status AttachEntry(const CallScope& scope, const v1::Case& written,
                           storage::CommitRequest* commit) const;
  // The same for a call that wrote several cases in one batch: one entry
  // naming every case written.
  absl::Status AttachEntries(const CallScope& scope, const std::vector<const v1::Case*>& written,
                             storage::CommitRequest* commit) const;

  // The entry for `record` with `outcome` (no seq or hashes: the chain adds them).
  v1::AuditEntry BuildEntry(const AccessRecord& record, const absl::Status& outcome) const;

  // HMAC-SHA256 of a party id under the audit key (how PartyAccess looks up).
  std::string PartyHmac(const std::string& party_id) const;

 private:
  storage::CommitPipeline* pipeline_;
  std::string hmac_key_;
  std::function<absl::Time()> now_;
  bool sync_reads_;
};

// The status a call gets when its access-log entry could not be written.
absl::Status AccessLogUnavailable();

}  // namespace caselink::server
