// CaseLinks: which agencies a workflow item links a case to, and by which
// kind of item (kCaseLinks: case_id \0 agency \0 kind -> kind). Written in
// the same batch as the transfer or supervision record that creates the
// link; read by the row rules (`rows { transferred: true }` follows only
// transfer links, `rows { linked: true }` every kind). The kind is part of
// the key so that one agency linked by a transfer and by a supervision
// record keeps both. Links are only ever added. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/commit_pipeline.h"
#include "storage/database.h"

namespace caselink::storage {

// The kinds of link (the workflow item that made it).
inline constexpr const char kTransferLink[] = "transfer";
inline constexpr const char kSupervisionLink[] = "supervision record";
inline constexpr const char kRectificationLink[] = "rectification notice";
inline constexpr const char kDecisionLink[] = "decision item";

struct CaseLink {
  std::string agency;
  std::string kind;  // kTransferLink, kSupervisionLink, …
};

class CaseLinks {
 public:
  explicit CaseLinks(const Database* db) : db_(db) {}

  // The put linking `case_id` to `agency`; `kind` says why (kTransferLink,
  // kSupervisionLink).
  static Put LinkPut(const std::string& case_id, const std::string& agency, const std::string& kind);

  // Every link of the case (empty if none or on a read error). Links written
  // before the kind was part of the key (case_id \0 agency -> kind) are read
  // with the kind of their value.
  std::vector<CaseLink> Links(const std::string& case_id) const;

  // Every agency linked to the case by any kind of item, once each.
  std::vector<std::string> LinkedAgencies(const std::string& case_id) const;

 private:
  const Database* db_;
};

}  // namespace caselink::storage
