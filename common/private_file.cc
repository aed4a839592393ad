#include "caselink_common/private_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace caselink {

absl::Status CreatePrivateFile(const std::string& path) {
  // O_CREAT without O_TRUNC: an existing file is neither emptied nor
  // re-moded here; the caller's open decides about its contents.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
    return absl::OkStatus();
  }
  const int err = errno;
  const std::string message = absl::StrCat("cannot create \"", path, "\": ", std::strerror(err));
  if (err == EACCES || err == EPERM || err == EROFS) return absl::PermissionDeniedError(message);
  if (err == ENOENT || err == ENOTDIR) return absl::NotFoundError(message);
  if (err == EISDIR) return absl::InvalidArgumentError(message);
  return absl::UnavailableError(message);
}

}  // namespace caselink
