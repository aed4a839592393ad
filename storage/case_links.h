// CaseLinks: which agencies a workflow item links a case to, and by which
// kind of item (kCaseLinks: case_id \0 agency \0 kind -> kind). Written in
// the same batch as the transfer or supervision record that creates the
// link; read by the row rules (`rows { transferred: true }` follows only
// transfer links, `rows { linked: true }` every kind). The kind is part of
// the key so that one agency linked by a transfer and by a supervision
// record keeps both. Links are only ever added. Most cases have none, so the
// ids of the cases that may have links are kept in memory (read at start,
// noted by LinkPut before the link is written): a read of any other case
// touches no storage. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "storage/commit_pipeline.h"
#include "storage/database.h"

namespace caselink::storage {

// The kinds of link (the workflow item that made it).
inline constexpr const char kTransferLink[] = "transfer";
inline constexpr const char kSupervisionLink[] = "supervision record";
inline constexpr const char kRectificationLink[] = "rectification notice";
inline constexpr const char kDecisionLink[] = "decision item";
// A campaign's sample holds the case; the agency is on its inspection team.
inline constexpr const char kInspectionLink[] = "inspection sample";

struct CaseLink {
  std::string agency;
  std::string kind;  // kTransferLink, kSupervisionLink, …
};

class CaseLinks {
 public:
  // Reads which cases have links (keys only).
  explicit CaseLinks(const Database* db);

  // The put linking `case_id` to `agency`; `kind` says why (kTransferLink,
  // kSupervisionLink). Notes the case as linked first, so once the put is
  // written no read misses it (if the commit fails, the note only costs a
  // lookup).
  Put LinkPut(const std::string& case_id, const std::string& agency, const std::string& kind) const;

  // Every link of the case (empty if none or on a read error). Links written
  // before the kind was part of the key (case_id \0 agency -> kind) are read
  // with the kind of their value.
  std::vector<CaseLink> Links(const std::string& case_id) const;

  // Every agency linked to the case by any kind of item, once each.
  std::vector<std::string> LinkedAgencies(const std::string& case_id) const;

 private:
  bool MaybeLinked(const std::string& case_id) const ABSL_LOCKS_EXCLUDED(mu_);

  const Database* db_;
  mutable absl::Mutex mu_;
  // A cache of what storage holds, noted by the const LinkPut.
  mutable absl::flat_hash_set<std::string> linked_ ABSL_GUARDED_BY(mu_);
  // The start-up read failed: every case is looked up.
  bool all_maybe_linked_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace caselink::storage
