// CaseStore keeps every version of every case, immutably, plus the latest
// version of each case for fast reads and listings, and the idempotency record
// of each submission — all written in one synced transaction.
// Thread-safe; concurrent submissions of the same case serialize on the case.
//
// Example:
//   CASELINK_ASSIGN_OR_RETURN(auto db, Database::Open("/var/lib/caselink/db"));
//   CaseStore store(db.get());
//   SubmitCommand cmd{.agency = "market", .request_id = "r1", ...};
//   CASELINK_ASSIGN_OR_RETURN(SubmitOutcome out, store.Submit(cmd));
//   CASELINK_ASSIGN_OR_RETURN(v1::Case latest, store.Get(out.stored.case_id(), 0));
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "caselink/v1/case.pb.h"
#include "storage/database.h"

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
  // The last case_id examined: where the next page starts.
  std::string resume_after;
  bool more = false;
};

class CaseStore {
 public:
  explicit CaseStore(Database* db) : db_(db) {}

  // Creates a case or appends a version. Errors: NotFound (no such case),
  // FailedPrecondition (stale expected_version), AlreadyExists (request_id
  // reused with a different request), Aborted (lock timeout; retry), and any
  // error of check_current. A failed submission writes nothing.
  absl::StatusOr<SubmitOutcome> Submit(const SubmitCommand& cmd);

  // The given version, or the latest for version 0. NotFound if absent.
  absl::StatusOr<v1::Case> Get(const std::string& case_id, int64_t version) const;

  // Every version of a case, oldest first. NotFound if the case is absent.
  absl::StatusOr<std::vector<v1::Case>> Versions(const std::string& case_id) const;

  // Latest versions ordered by case_id.
  absl::StatusOr<ListPage> List(const ListQuery& q) const;

 private:
  Database* db_;
};

}  // namespace caselink::storage
