// CaseLinks: which agencies a workflow item links a case to (kCaseLinks:
// case_id \0 agency -> link kind). Written in the same batch as the transfer
// or supervision record that creates the link; read by the row rules
// (`rows { transferred: true }`). Links are only ever added. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/commit_pipeline.h"
#include "storage/database.h"

namespace caselink::storage {

class CaseLinks {
 public:
  explicit CaseLinks(const Database* db) : db_(db) {}

  // The put linking `case_id` to `agency`; `kind` says why ("transfer",
  // "supervision").
  static Put LinkPut(const std::string& case_id, const std::string& agency, const std::string& kind);

  // Every agency linked to the case (empty if none or on a read error).
  std::vector<std::string> LinkedAgencies(const std::string& case_id) const;

 private:
  const Database* db_;
};

}  // namespace caselink::storage
