#include "server/admin/backup_path.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"

namespace caselink::server {
namespace {

namespace fs = std::filesystem;

// True if `path` is `base` or below it, both canonical (absolute, no '.',
// '..' or links), compared component by component ("/b2" is not below "/b").
bool IsWithin(const fs::path& path, const fs::path& base) {
  auto p = path.begin();
  for (auto b = base.begin(); b != base.end(); ++b, ++p) {
    if (b->empty()) continue;  // a trailing separator
    if (p == path.end() || *p != *b) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::string> ResolveBackupDirectory(const std::string& backup_dir, const std::string& requested) {
  if (backup_dir.empty()) {
    return absl::FailedPreconditionError(
        "backups are disabled: the server has no admin.backup_dir (the only directory Backup writes "
        "below); the operator sets it in the server configuration");
  }
  if (requested.empty()) {
    return absl::InvalidArgumentError("directory: required, a directory below admin.backup_dir");
  }
  if (requested.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError("directory: contains a NUL character");
  }
  const fs::path req(requested);
  for (const fs::path& part : req) {
    if (part == "..") {
      return absl::InvalidArgumentError(absl::StrCat(
          "directory: '", requested, "' contains '..'; a backup is written only below admin.backup_dir, "
          "named relative to it or absolute inside it"));
    }
  }
  std::error_code ec;
  const fs::path base = fs::canonical(backup_dir, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("admin.backup_dir ", backup_dir, " cannot be resolved: ", ec.message()));
  }
  const fs::path configured = fs::path(backup_dir).lexically_normal();
  if (req.is_absolute() && !IsWithin(req.lexically_normal(), configured) && !IsWithin(req.lexically_normal(), base)) {
    return absl::PermissionDeniedError(absl::StrCat("directory: ", requested, " is outside admin.backup_dir (",
                                                    backup_dir, "); backups are written only below it"));
  }
  // Relative names are taken below the configured directory; absolute ones
  // are re-rooted on its canonical form before links are resolved.
  fs::path target;
  if (req.is_absolute()) {
    const fs::path from = IsWithin(req.lexically_normal(), base) ? base : configured;
    target = base / req.lexically_normal().lexically_relative(from);
  } else {
    target = base / req;
  }
  // A dangling link would be resolved by weakly_canonical as if it were a
  // plain name; whatever it points to later is not checked, so it is refused.
  fs::path prefix = base;
  for (const fs::path& part : target.lexically_relative(base)) {
    prefix /= part;
    if (fs::is_symlink(fs::symlink_status(prefix, ec)) && !fs::exists(prefix, ec)) {
      return absl::PermissionDeniedError(absl::StrCat("directory: ", requested, " goes through the symbolic link ",
                                                      prefix.string(), ", which leads nowhere; backups are "
                                                      "written only below admin.backup_dir"));
    }
  }
  const fs::path resolved = fs::weakly_canonical(target, ec);
  if (ec) {
    return absl::InvalidArgumentError(absl::StrCat("directory: ", requested, " cannot be resolved: ", ec.message()));
  }
  if (!IsWithin(resolved, base)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "directory: ", requested, " leads through a symbolic link to ", resolved.string(),
        ", outside admin.backup_dir (", base.string(), "); backups are written only below it"));
  }
  return resolved.string();
}

}  // namespace caselink::server
