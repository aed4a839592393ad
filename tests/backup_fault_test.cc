// storage::CreateBackup / RestoreLatestBackup (storage/backup.h) over a file
// system that fails on demand (support/fault_injection_fs.h), failing only
// the backup directory's files, at the start or in the middle of a backup: a
// failed write or sync is an error naming the directory, and it leaves no
// half backup that a restore would accept — a restore then finds no backup,
// or the last intact one, never a torn one. Once the fault clears, the next
// backup restores every acknowledged write.
#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/backup.h"
#include "storage/commit_pipeline.h"
#include "storage/database.h"
#include "storage/rocks_status.h"
#include "support/fault_injection_fs.h"
#include "support/temp_dir.h"

namespace caselink::storage {
namespace {

using ::caselink::testing::Fault;
using ::caselink::testing::FaultInjectionEnv;
using ::caselink::testing::FaultScope;
using ::caselink::testing::TempDir;
using ::testing::HasSubstr;

class BackupFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open(dir_.Join("db"), fault_.env.get());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    pipeline_ = std::make_unique<CommitPipeline>(db_.get());
    backup_dir_ = dir_.Join("backups");
    fault_.fs->set_fault_directory(backup_dir_);
  }
  void TearDown() override {
    fault_.fs->FailWrites(Fault::kNone);
    fault_.fs->FailSyncs(Fault::kNone);
    pipeline_.reset();
    db_.reset();
  }

  void Put(const std::string& key) {
    CommitRequest req;
    req.puts.push_back({Table::kMeta, key, "v-" + key});
    req.appends.push_back({Table::kAuditLog, key, {}});
    auto r = pipeline_->Commit(std::move(req));
    ASSERT_TRUE(r.ok()) << r.status();
  }

  // Restores the latest backup into a new directory; the restored database's
  // kMeta keys, or the restore's error.
  absl::StatusOr<std::set<std::string>> Restore() {
    const std::string into = dir_.Join("restored-" + std::to_string(++restores_));
    absl::Status s = RestoreLatestBackup(backup_dir_, into);
    if (!s.ok()) {
      // A refused restore leaves no database behind either.
      std::error_code ec;
      EXPECT_TRUE(!std::filesystem::exists(into, ec) || std::filesystem::is_empty(into, ec)) << into;
      return s;
    }
    auto db = Database::Open(into);
    if (!db.ok()) return db.status();
    std::set<std::string> keys;
    std::unique_ptr<rocksdb::Iterator> it((*db)->NewIterator(rocksdb::ReadOptions(), Table::kMeta));
    for (it->SeekToFirst(); it->Valid(); it->Next()) keys.insert(it->key().ToString());
    return keys;
  }

  TempDir dir_;
  FaultInjectionEnv fault_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<CommitPipeline> pipeline_;
  std::string backup_dir_;
  int restores_ = 0;
};

TEST_F(BackupFaultTest, AWriteFailingMidBackupIsAnErrorAndLeavesNothingToRestore) {
  Put("a");
  Put("b");
  // Some files of the backup are copied, then the device fails.
  fault_.fs->FailWrites(Fault::kIoError, FaultScope::kUnderDirectory, /*after=*/3);
  auto b = CreateBackup(db_.get(), backup_dir_);
  ASSERT_FALSE(b.ok());
  EXPECT_THAT(b.status().message(), HasSubstr(backup_dir_));
  EXPECT_GT(fault_.fs->failed_writes(), 0);
  auto restored = Restore();
  EXPECT_EQ(restored.status().code(), absl::StatusCode::kNotFound) << restored.status();
}

TEST_F(BackupFaultTest, ASyncFailingMidBackupIsAnErrorAndLeavesNothingToRestore) {
  Put("a");
  fault_.fs->FailSyncs(Fault::kIoError, FaultScope::kUnderDirectory, /*after=*/2);
  auto b = CreateBackup(db_.get(), backup_dir_);
  ASSERT_FALSE(b.ok());
  EXPECT_THAT(b.status().message(), HasSubstr(backup_dir_));
  EXPECT_GT(fault_.fs->failed_syncs(), 0);
  EXPECT_FALSE(Restore().ok());
}

TEST_F(BackupFaultTest, AFullDiskDuringBackupIsReportedAsSuch) {
  Put("a");
  fault_.fs->FailWrites(Fault::kNoSpace, FaultScope::kUnderDirectory, /*after=*/1);
  auto b = CreateBackup(db_.get(), backup_dir_);
  ASSERT_FALSE(b.ok());
  EXPECT_TRUE(IsStorageFull(b.status())) << b.status();
  EXPECT_FALSE(Restore().ok());
}

// A backup that fails after an intact one: a restore gives the intact one,
// with exactly what it held, not the torn one.
TEST_F(BackupFaultTest, AFailedBackupAfterAGoodOneLeavesTheGoodOneAsTheLatest) {
  Put("before");
  auto good = CreateBackup(db_.get(), backup_dir_);
  ASSERT_TRUE(good.ok()) << good.status();
  Put("after");
  for (int after : {0, 2, 5}) {
    SCOPED_TRACE(after);
    fault_.fs->FailWrites(Fault::kIoError, FaultScope::kUnderDirectory, after);
    EXPECT_FALSE(CreateBackup(db_.get(), backup_dir_).ok());
    fault_.fs->FailWrites(Fault::kNone);
    fault_.fs->FailSyncs(Fault::kIoError, FaultScope::kUnderDirectory, after);
    EXPECT_FALSE(CreateBackup(db_.get(), backup_dir_).ok());
    fault_.fs->FailSyncs(Fault::kNone);
    auto restored = Restore();
    ASSERT_TRUE(restored.ok()) << restored.status();
    EXPECT_EQ(restored->count("before"), 1u);
    EXPECT_EQ(restored->count("after"), 0u);
  }
}

TEST_F(BackupFaultTest, OnceTheFaultClearsTheNextBackupRestoresEverything) {
  Put("a");
  fault_.fs->FailWrites(Fault::kIoError, FaultScope::kUnderDirectory, /*after=*/2);
  ASSERT_FALSE(CreateBackup(db_.get(), backup_dir_).ok());
  fault_.fs->FailWrites(Fault::kNone);
  Put("b");
  auto b = CreateBackup(db_.get(), backup_dir_);
  ASSERT_TRUE(b.ok()) << b.status();
  auto restored = Restore();
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(restored->count("a"), 1u);
  EXPECT_EQ(restored->count("b"), 1u);
  // The database itself was never touched by the backup's faults.
  auto more = pipeline_->Commit(CommitRequest{{{Table::kMeta, "c", "v"}}, {}, {}, true});
  EXPECT_TRUE(more.ok()) << more.status();
}

}  // namespace
}  // namespace caselink::storage
