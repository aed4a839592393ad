// Scratch directories and whole-file I/O for tests.
// A TempDir is a fresh, private directory that is removed (with everything in
// it) when the object dies, so tests never leak files or see each other's.
#ifndef CASELINK_TESTS_SUPPORT_TEMP_DIR_H_
#define CASELINK_TESTS_SUPPORT_TEMP_DIR_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace caselink::testing {

class TempDir {
 public:
  // Creates the directory under $TMPDIR (or /tmp). A test cannot proceed
  // without it and constructors cannot return a Status, so failure aborts.
  TempDir();
  ~TempDir();

  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  // Moving transfers ownership: only the destination removes the directory.
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;

  const std::string& path() const { return path_; }
  std::string Join(absl::string_view name) const;

 private:
  void Remove();
  std::string path_;
};

// Writes atomically (temp file + rename), so a reader polling the path (e.g. a
// server reloading certificates or CRLs) never sees a half-written file.
absl::Status WriteFile(const std::string& path, absl::string_view data);
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace caselink::testing

#endif  // CASELINK_TESTS_SUPPORT_TEMP_DIR_H_
