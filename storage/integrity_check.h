// The offline integrity checks of a caselink database, run after a restore
// (`caselinkd --restore-from`) and usable on any copy: every case's head is
// its newest stored version, the search index holds exactly the keys the
// heads call for (nothing missing, nothing stale), every document's content
// is stored and hashes to its SHA-256, and the access log's hash
// chain and signed checkpoints verify (audit_store.h). Read-only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/audit_verifier.h"
#include "storage/database.h"

namespace caselink::storage {

struct IntegrityReport {
  uint64_t cases = 0;
  uint64_t versions = 0;
  uint64_t index_keys = 0;
  // Document contents read back and found to match their SHA-256.
  uint64_t document_contents = 0;
  // Disagreements between heads, versions and the index (the first 20).
  std::vector<std::string> problems;
  uint64_t problem_count = 0;
  AuditVerifyReport audit;
  bool ok() const { return problem_count == 0 && audit.ok(); }
  // Lines for people: counts, each problem, the audit summary.
  std::string Summary() const;
};

// `party_index_key`: the audit HMAC key (the index keys party ids by it);
// `audit_public_key_pem`: the checkpoint signer's key ("" accepts one
// consistent key). Errors only if the database cannot be read.
absl::StatusOr<IntegrityReport> CheckIntegrity(const Database& db, const std::string& party_index_key,
                                               const std::string& audit_public_key_pem);

}  // namespace caselink::storage
