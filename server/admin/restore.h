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

// Returns the integrity report for people. Errors: FAILED_PRECONDITION
// (db_path holds a database and !force; the restored copy failed its checks
// — it is left in the staging directory for inspection), NOT_FOUND (no
// backup), and RocksDB / file-system errors naming the path.
absl::StatusOr<std::string> RestoreFromBackup(const v1::ServerConfig& config, const std::string& backup_dir,
                                              bool force);

}  // namespace caselink::server
