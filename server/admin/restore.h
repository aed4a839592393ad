// `caselinkd --restore-from DIR`: restores the newest backup of a
// BackupEngine directory (made by `caselink admin backup`) into the
// configured db_path, after checking it. The backup is restored into a
// staging directory beside db_path, opened, and checked (heads against
// versions, the search index against the heads, the access log's chain and
// checkpoint signatures with the configured keys); only a restore that
// passes is moved into place. A database already at db_path is kept, renamed
// "<db_path>.before-restore-<time>", and only with `force`.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "caselink/v1/config.pb.h"

namespace caselink::server {

// The restored database carries a note of the restore (kRestoreNoteFile, in
// its directory): the server's next start writes it to the access log as an
// operator entry (`caselinkd/Restore`) and removes it, so the log itself says
// that entries after the backup are not in it, and where the old ones went.
inline constexpr char kRestoreNoteFile[] = "CASELINK-RESTORED";

// Returns the integrity report for people. Errors: FAILED_PRECONDITION
// (db_path holds a database and !force; the restored copy failed its checks
// — it is left in the staging directory for inspection), NOT_FOUND (no
// backup), and RocksDB / file-system errors naming the path.
absl::StatusOr<std::string> RestoreFromBackup(const v1::ServerConfig& config, const std::string& backup_dir,
                                              bool force);

}  // namespace caselink::server
