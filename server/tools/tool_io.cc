#include "server/tools/tool_io.h"

#include <cerrno>
#include <cstring>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "caselink_common/read_file.h"

namespace caselink::admin_tool {

absl::StatusOr<std::string> ReadInputFile(const std::string& path) {
  std::string bytes;
  errno = 0;
  if (!ReadWholeFile(path, &bytes)) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path, ": ",
                                            errno != 0 ? std::strerror(errno) : "unreadable"));
  }
  return bytes;
}

int ReportError(const absl::Status& status, int exit_code) {
  std::cerr << "caselink-admin: error: "
            << absl::StrReplaceAll(status.message(), {{"\n", " "}}) << std::endl;
  return exit_code;
}

}  // namespace caselink::admin_tool
