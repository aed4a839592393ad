// CreatePrivateFile (common/caselink_common/private_file.h): a new file is
// its owner's alone whatever the umask; an existing one keeps its contents
// and mode; a path that cannot be made says why.
#include "caselink_common/private_file.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/temp_dir.h"

namespace caselink {
namespace {

namespace fs = std::filesystem;
using ::caselink::testing::TempDir;

fs::perms Mode(const std::string& path) { return fs::status(path).permissions() & fs::perms::all; }

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class PrivateFileTest : public ::testing::Test {
 protected:
  void SetUp() override { previous_ = ::umask(022); }  // the common default, which leaves files 0644
  void TearDown() override { ::umask(previous_); }
  TempDir dir_;
  mode_t previous_ = 0;
};

TEST_F(PrivateFileTest, ANewFileIsReadAndWrittenByItsOwnerAlone) {
  const std::string path = dir_.Join("export.jsonl");
  ASSERT_TRUE(CreatePrivateFile(path).ok());
  EXPECT_EQ(Mode(path), fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(fs::file_size(path), 0u);
  // What the caller then writes through its own open keeps that mode.
  std::ofstream(path, std::ios::binary | std::ios::trunc) << "entries";
  EXPECT_EQ(Mode(path), fs::perms::owner_read | fs::perms::owner_write);
}

TEST_F(PrivateFileTest, AnExistingFileKeepsItsContentsAndMode) {
  const std::string path = dir_.Join("shared.txt");
  std::ofstream(path, std::ios::binary) << "kept";
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  ASSERT_TRUE(CreatePrivateFile(path).ok());
  EXPECT_EQ(Slurp(path), "kept");
  EXPECT_EQ(Mode(path), fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
}

TEST_F(PrivateFileTest, APathThatCannotBeMadeSaysWhy) {
  const absl::Status missing = CreatePrivateFile(dir_.Join("no/such/dir/file"));
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound) << missing;
  EXPECT_THAT(std::string(missing.message()), ::testing::HasSubstr("cannot create \""));
  EXPECT_THAT(std::string(missing.message()), ::testing::HasSubstr("No such file or directory"));
  EXPECT_EQ(CreatePrivateFile(dir_.path()).code(), absl::StatusCode::kInvalidArgument);  // a directory
}

}  // namespace
}  // namespace caselink
