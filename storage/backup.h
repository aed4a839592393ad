// Online backup and restore of a caselink database with RocksDB's
// BackupEngine. A backup flushes the memtables and copies the live files
// while writes go on; it holds exactly the writes acknowledged before it
// started, plus possibly some after (never a torn batch: each write is one
// WriteBatch). Restore never overwrites: it restores into a new directory.
// Thread-safe (backups of one database are serialized by the caller).
//
// Example:
//   CASELINK_ASSIGN_OR_RETURN(BackupResult b, CreateBackup(db.get(), "/srv/backup/caselink"));
//   // later, server stopped:
//   CASELINK_RETURN_IF_ERROR(RestoreLatestBackup("/srv/backup/caselink", "/var/lib/caselink/db.new"));
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "storage/database.h"

namespace caselink::storage {

struct BackupResult {
  uint32_t backup_id = 0;
  uint64_t size_bytes = 0;
  uint32_t file_count = 0;
};

// Adds a backup of `db` to the BackupEngine directory `backup_dir`
// (created if missing). Errors name the directory.
absl::StatusOr<BackupResult> CreateBackup(Database* db, const std::string& backup_dir);

// Restores the newest backup of `backup_dir` into `db_path`, which must not
// exist or be empty (FAILED_PRECONDITION otherwise). The backup's files are
// checked against their checksums first.
absl::Status RestoreLatestBackup(const std::string& backup_dir, const std::string& db_path);

}  // namespace caselink::storage
