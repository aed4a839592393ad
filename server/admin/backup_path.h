// Where AdminService.Backup may write: only below admin.backup_dir. A request
// names a directory relative to it, or absolute inside it. Refused, with the
// rule named: no backup_dir configured (FAILED_PRECONDITION); an empty name,
// a '..' component or a NUL (INVALID_ARGUMENT); a path outside the directory,
// also one that leads out of it through a symbolic link (PERMISSION_DENIED:
// the canonical paths, all links resolved, are compared). What remains is a
// check-then-use race: whoever can write inside backup_dir could swap in a
// link after the check, so backup_dir must be writable only by the server's
// user (docs/operations.md).
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace caselink::server {

// The canonical directory the backup goes into (may not exist yet).
absl::StatusOr<std::string> ResolveBackupDirectory(const std::string& backup_dir, const std::string& requested);

}  // namespace caselink::server
