#include "caselink_common/read_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"

namespace caselink {

absl::StatusOr<std::string> ReadFileOr(absl::string_view path, absl::string_view what) {
  const std::string name =
      what.empty() ? absl::StrCat("\"", path, "\"") : absl::StrCat(what, " file \"", path, "\"");
  std::ifstream in{std::string(path), std::ios::binary};
  if (!in) {
    const int err = errno;
    const std::string message = absl::StrCat("cannot read ", name, ": ", std::strerror(err));
    if (err == ENOENT) return absl::NotFoundError(message);
    if (err == EACCES) return absl::PermissionDeniedError(message);
    return absl::InvalidArgumentError(message);
  }
  // A directory opens as a stream that reads nothing: say what it is, not
  // that the "file" is empty.
  if (std::filesystem::is_directory(std::string(path))) {
    return absl::InvalidArgumentError(absl::StrCat("cannot read ", name, ": it is a directory, not a file"));
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return absl::InvalidArgumentError(absl::StrCat("cannot read ", name, ": I/O error"));
  return content.str();
}

}  // namespace caselink
