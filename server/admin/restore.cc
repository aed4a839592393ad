#include "server/admin/restore.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "caselink_common/status_macros.h"
#include "server/server_config.h"
#include "storage/audit_chain.h"
#include "storage/backup.h"
#include "storage/database.h"
#include "storage/integrity_check.h"

namespace caselink::server {
namespace {

namespace fs = std::filesystem;

bool NonEmptyDir(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec) && !fs::is_empty(path, ec);
}

}  // namespace

absl::StatusOr<std::string> RestoreFromBackup(const v1::ServerConfig& config, const std::string& backup_dir,
                                              bool force) {
  const std::string db_path = fs::path(config.db_path()).lexically_normal().string();
  if (NonEmptyDir(db_path) && !force) {
    return absl::FailedPreconditionError(absl::StrCat(
        db_path, ": already holds a database; stop the server and add --force to restore anyway (the "
                 "current database is kept, renamed)"));
  }
  CASELINK_ASSIGN_OR_RETURN(AuditKeys keys, LoadAuditKeys(config));
  CASELINK_ASSIGN_OR_RETURN(auto signer, storage::audit::CheckpointSigner::FromPem(keys.signing_key_pem));

  // A staging directory left by an interrupted restore is ours to replace.
  const std::string staging = db_path + ".restoring";
  std::error_code ec;
  fs::remove_all(staging, ec);
  CASELINK_RETURN_IF_ERROR(storage::RestoreLatestBackup(backup_dir, staging));
  std::string summary;
  {
    CASELINK_ASSIGN_OR_RETURN(auto db, storage::Database::Open(staging));
    CASELINK_ASSIGN_OR_RETURN(storage::IntegrityReport report,
                              storage::CheckIntegrity(*db, keys.hmac_key, signer->public_key_pem()));
    summary = report.Summary();
    if (!report.ok()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the restored database fails its integrity checks; it is left in ", staging,
          " and ", db_path, " is unchanged:\n", summary));
    }
  }
  const absl::Time now = absl::Now();
  const std::string kept = absl::StrCat(db_path, ".before-restore-",
                                        absl::FormatTime("%Y%m%dT%H%M%SZ", now, absl::UTCTimeZone()));
  const bool keeping = fs::exists(db_path, ec);
  {
    // One line, read back by the server's next start (restore.h).
    std::ofstream note(fs::path(staging) / kRestoreNoteFile, std::ios::trunc);
    note << "restored from the newest backup of " << backup_dir << " at "
         << absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", now, absl::UTCTimeZone())
         << "; entries written after that backup are not in this log"
         << (keeping ? absl::StrCat("; the database before the restore is kept in ", kept) : std::string())
         << "\n";
    if (!note.flush()) {
      return absl::UnavailableError(absl::StrCat("cannot write the restore note into ", staging));
    }
  }
  if (keeping) {
    fs::rename(db_path, kept, ec);
    if (ec) return absl::UnavailableError(absl::StrCat("cannot move ", db_path, " aside: ", ec.message()));
    absl::StrAppend(&summary, "the previous database is kept in ", kept, "\n");
  }
  fs::rename(staging, db_path, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot move ", staging, " to ", db_path, ": ", ec.message()));
  absl::StrAppend(&summary, "restored ", backup_dir, " into ", db_path, "\n");
  return summary;
}

}  // namespace caselink::server
