// AdminService.Backup writes only below admin.backup_dir (server/admin/backup_path.h),
// through the real server and client library as the operator: a path outside
// it, '..', a symbolic link leading out of it (also one that leads nowhere)
// are refused with the rule named and nothing written; inside it (relative or
// absolute) works; --check-config refuses a backup_dir that does not exist.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/daemon.h"
#include "support/test_district.h"

namespace caselink::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class BackupDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = TestDistrict::Start();
    ASSERT_TRUE(d.ok()) << d.status();
    district_ = std::move(*d);
    outside_ = district_->dir() + "/outside";
    fs::create_directories(outside_);
  }

  absl::StatusOr<v1::BackupResponse> Backup(const std::string& dir) {
    v1::BackupRequest req;
    req.set_directory(dir);
    return district_->As("operator").Backup(req, absl::Seconds(30));
  }

  bool Empty(const std::string& dir) { return fs::is_empty(dir); }

  std::unique_ptr<TestDistrict> district_;
  std::string outside_;
};

TEST_F(BackupDirTest, AbsolutePathOutsideIsRefused) {
  auto r = Backup(outside_ + "/b");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied) << r.status();
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("outside admin.backup_dir"));
  // A sibling whose name starts like the backup dir is outside too.
  fs::create_directories(district_->backup_dir() + "2");
  EXPECT_EQ(Backup(district_->backup_dir() + "2/b").status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Empty(outside_));
  EXPECT_TRUE(Empty(district_->backup_dir() + "2"));
}

TEST_F(BackupDirTest, DotDotIsRefused) {
  for (const std::string& dir : {std::string("../outside/b"), std::string("a/../../outside"),
                                 district_->backup_dir() + "/../outside/b"}) {
    auto r = Backup(dir);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << dir << ": " << r.status();
    EXPECT_THAT(std::string(r.status().message()), HasSubstr("'..'")) << dir;
  }
  EXPECT_TRUE(Empty(outside_));
  EXPECT_TRUE(Empty(district_->backup_dir()));
}

TEST_F(BackupDirTest, SymbolicLinkLeadingOutIsRefused) {
  fs::create_directory_symlink(outside_, district_->backup_dir() + "/escape");
  for (const std::string& dir : {std::string("escape"), std::string("escape/nightly"),
                                 district_->backup_dir() + "/escape/nightly"}) {
    auto r = Backup(dir);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied) << dir << ": " << r.status();
    EXPECT_THAT(std::string(r.status().message()), HasSubstr("symbolic link")) << dir;
  }
  // A link to a place that does not exist yet: what it names is not checked.
  fs::create_directory_symlink(outside_ + "/later", district_->backup_dir() + "/dangling");
  auto r = Backup("dangling");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied) << r.status();
  EXPECT_TRUE(Empty(outside_));
}

TEST_F(BackupDirTest, InsideTheDirectoryWorks) {
  auto relative = Backup("nightly");
  ASSERT_TRUE(relative.ok()) << relative.status();
  const std::string base = fs::canonical(district_->backup_dir()).string();
  EXPECT_EQ(relative->directory(), base + "/nightly");
  auto absolute = Backup(district_->backup_dir() + "/weekly/2026");
  ASSERT_TRUE(absolute.ok()) << absolute.status();
  EXPECT_EQ(absolute->directory(), base + "/weekly/2026");
  EXPECT_TRUE(fs::is_directory(base + "/weekly/2026/meta"));
  // A link that stays inside is followed.
  fs::create_directory_symlink(base + "/nightly", district_->backup_dir() + "/latest");
  auto linked = Backup("latest");
  ASSERT_TRUE(linked.ok()) << linked.status();
  EXPECT_EQ(linked->directory(), base + "/nightly");
  EXPECT_EQ(linked->backup_id(), 2u);
}

TEST_F(BackupDirTest, CheckConfigRefusesAMissingBackupDir) {
  std::ifstream in(district_->config_path());
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string cfg = district_->dir() + "/missing-backup-dir.textproto";
  ASSERT_TRUE(
      WriteFile(cfg, absl::StrReplaceAll(ss.str(), {{"backup_dir: \"backups\"", "backup_dir: \"no-such-dir\""}})).ok());
  std::string out;
  EXPECT_NE(Daemon::RunToCompletion(CASELINKD_PATH, {"--check-config", cfg}, &out), 0);
  EXPECT_THAT(out, HasSubstr("admin.backup_dir does not exist"));
}

}  // namespace
}  // namespace caselink::testing
