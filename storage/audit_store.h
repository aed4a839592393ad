// Reading the access log out of a caselink database: entries by range, by
// case, by agency and period, by party HMAC (through the index the chain
// writes), verification of a whole database, and the JSON-lines export and
// its verification. Used by AuditService (on the live database) and by the
// offline `caselink audit verify|export` (on a read-only open). Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "caselink/v1/audit.pb.h"
#include "storage/audit_verifier.h"
#include "storage/database.h"

namespace caselink::storage {

struct AuditPage {
  std::vector<v1::AuditEntry> entries;  // oldest first
  bool truncated = false;               // more matched than the limit
};

// Entries whose index key starts with `prefix` (see audit_chain.h), at most
// `limit`. For the agency index, `from`/`to` bound the entry time ([from, to)).
// By case and by party, only entries with a sequence number above
// `after_seq` (the last of a truncated page: the next page).
absl::StatusOr<AuditPage> QueryAuditByCase(const Database& db, const std::string& case_id, int limit,
                                           uint64_t after_seq = 0);
absl::StatusOr<AuditPage> QueryAuditByAgency(const Database& db, const std::string& agency_id,
                                             absl::Time from, absl::Time to, int limit);
absl::StatusOr<AuditPage> QueryAuditByParty(const Database& db, const std::string& party_hmac, int limit,
                                            uint64_t after_seq = 0);

// The newest signed checkpoint, or nullopt if none was written yet.
absl::StatusOr<std::optional<v1::AuditCheckpoint>> LastAuditCheckpoint(const Database& db);

// Verifies every entry and checkpoint of the database (AuditVerifier;
// `checkpoint_every` as there), and the access-log index against the
// entries: every key an entry calls for (audit::ForEachIndexPrefix) is
// there (else INDEX_MISSING at the entry), and every key of the index is
// one its entry calls for (else INDEX_EXTRA at the seq it names). Memory
// stays bounded: point reads per entry, then one scan of the index (and a
// second, reading each key's entry, only if it holds more keys than found).
// One snapshot: a live database verifies as of one instant. The log is held
// to start at seq 1 (AuditVerifier::SetWholeLog: a deleted start is MISSING
// at 1) and, if `expected_head.seq` is set, to reach that head
// (AuditVerifier::ExpectHead: the one check that tells a rollback of the
// whole database, checkpoints included).
absl::StatusOr<AuditVerifyReport> VerifyAuditLog(const Database& db,
                                                 const std::string& expected_public_key_pem,
                                                 uint64_t checkpoint_every = AuditVerifier::kDefaultCheckpointEvery,
                                                 const AuditHead& expected_head = {});

// Writes entries [from, to] (to = 0: to the end) and the checkpoints in that
// range as JSON lines (AuditExportRecord, checkpoints first). Returns the
// number of entries written.
absl::StatusOr<uint64_t> ExportAuditLog(const Database& db, uint64_t from, uint64_t to, std::ostream& out);

// Verifies an export made by ExportAuditLog (its chain starts at its first
// entry's prev_hash, or genesis if it starts at seq 1).
// An export holds no index: only the chain and checkpoints are checked.
absl::StatusOr<AuditVerifyReport> VerifyAuditExport(const std::string& jsonl,
                                                    const std::string& expected_public_key_pem,
                                                    uint64_t checkpoint_every = AuditVerifier::kDefaultCheckpointEvery);

}  // namespace caselink::storage
