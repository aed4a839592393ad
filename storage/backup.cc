#include "storage/backup.h"

#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "caselink_common/status_macros.h"
#include "rocksdb/env.h"
#include "rocksdb/utilities/backup_engine.h"
#include "storage/rocks_status.h"

namespace caselink::storage {
namespace {

namespace fs = std::filesystem;

// `env`: the database's (a backup reads and writes through the Env the
// database was opened with; tests inject file-system faults through it).
absl::StatusOr<std::unique_ptr<rocksdb::BackupEngine>> OpenEngine(const std::string& dir,
                                                                  rocksdb::Env* env) {
  rocksdb::BackupEngineOptions options(dir);
  // The database's own WAL is synced on every write; the backup's files are
  // synced once at the end of each backup (the default) — enough.
  options.max_background_operations = 2;
  rocksdb::BackupEngine* engine = nullptr;
  CASELINK_RETURN_IF_ERROR(FromRocks(rocksdb::BackupEngine::Open(options, env, &engine),
                                     absl::StrCat("opening the backup directory ", dir)));
  return std::unique_ptr<rocksdb::BackupEngine>(engine);
}

}  // namespace

absl::StatusOr<BackupResult> CreateBackup(Database* db, const std::string& backup_dir) {
  CASELINK_ASSIGN_OR_RETURN(auto engine, OpenEngine(backup_dir, db->raw()->GetEnv()));
  rocksdb::CreateBackupOptions options;
  // Flushing first makes the backup independent of the WAL's tail and
  // includes every write acknowledged before the call.
  options.flush_before_backup = true;
  rocksdb::BackupID id = 0;
  CASELINK_RETURN_IF_ERROR(FromRocks(engine->CreateNewBackup(options, db->raw(), &id),
                                     absl::StrCat("backing up into ", backup_dir)));
  rocksdb::BackupInfo info;
  CASELINK_RETURN_IF_ERROR(FromRocks(engine->GetBackupInfo(id, &info),
                                     absl::StrCat("reading backup ", id, " in ", backup_dir)));
  return BackupResult{id, info.size, info.number_files};
}

absl::Status RestoreLatestBackup(const std::string& backup_dir, const std::string& db_path) {
  std::error_code ec;
  if (fs::exists(db_path, ec) && !fs::is_empty(db_path, ec)) {
    return absl::FailedPreconditionError(absl::StrCat(
        db_path, ": is not empty; a restore never overwrites a database"));
  }
  if (!fs::is_directory(backup_dir, ec)) {
    return absl::NotFoundError(absl::StrCat(backup_dir, ": no such backup directory"));
  }
  CASELINK_ASSIGN_OR_RETURN(auto engine, OpenEngine(backup_dir, rocksdb::Env::Default()));
  std::vector<rocksdb::BackupInfo> backups;
  engine->GetBackupInfo(&backups);
  if (backups.empty()) {
    return absl::NotFoundError(absl::StrCat(backup_dir, ": holds no (intact) backup"));
  }
  const rocksdb::BackupID latest = backups.back().backup_id;
  CASELINK_RETURN_IF_ERROR(FromRocks(engine->VerifyBackup(latest, /*verify_with_checksum=*/true),
                                     absl::StrCat("verifying backup ", latest, " in ", backup_dir)));
  return FromRocks(engine->RestoreDBFromBackup(latest, db_path, db_path),
                   absl::StrCat("restoring backup ", latest, " of ", backup_dir, " into ", db_path));
}

}  // namespace caselink::storage
