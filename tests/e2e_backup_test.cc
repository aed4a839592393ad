// Online backup and restore: `AdminService.Backup` (the operator, through
// the real client library) while four agencies keep submitting and
// updating cases; then the real `caselink-admin restore` into a new
// directory, whose integrity checks pass, and which holds every write
// acknowledged before the backup began. A restore never overwrites a
// database without --force, and the integrity check catches a broken index.
#include "support/raw_db.h"
#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/audit_store.h"
#include "storage/case_store.h"
#include "storage/database.h"
#include "storage/document_store.h"
#include "storage/integrity_check.h"
#include "support/daemon.h"
#include "support/test_district.h"

namespace caselink::testing {
namespace {

struct Ack {
  std::string case_id;
  int64_t version;
};

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = TestDistrict::Start();
    ASSERT_TRUE(d.ok()) << d.status();
    district_ = std::move(*d);
  }

  // A configuration like the district's, but with its database elsewhere.
  std::string ConfigWithDb(const std::string& db) {
    std::ifstream in(district_->config_path());
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string path = district_->dir() + "/restore-" + db + ".textproto";
    EXPECT_TRUE(WriteFile(path, absl::StrReplaceAll(ss.str(), {{"db_path: \"db\"", "db_path: \"" + db + "\""}})).ok());
    return path;
  }

  std::unique_ptr<TestDistrict> district_;
};

TEST_F(BackupTest, BackupUnderConcurrentWritesRestoresEveryAcknowledgedWrite) {
  std::vector<Client*> writers;
  for (const char* agency : {"market", "emergency", "hrss", "town-a"}) writers.push_back(&district_->As(agency));
  std::mutex mu;
  std::vector<Ack> acks;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (Client* client : writers) {
    threads.emplace_back([&, client] {
      std::string last_id;
      int64_t last_version = 0;
      for (int i = 0; !stop; ++i) {
        v1::Case c = SampleCase(v1::MARKET_ORDER, absl::StrCat("并发备份 ", i));
        // Every other write is a new version of the previous case.
        if (i % 2 == 1) c.set_case_id(last_id);
        auto r = client->SubmitCase(c, i % 2 == 1 ? last_version : 0);
        if (!r.ok()) continue;
        last_id = r->case_().case_id();
        last_version = r->case_().version();
        std::lock_guard<std::mutex> l(mu);
        acks.push_back({last_id, last_version});
      }
    });
  }
  absl::SleepFor(absl::Milliseconds(500));
  size_t acked_before;
  {
    std::lock_guard<std::mutex> l(mu);
    acked_before = acks.size();
  }
  const std::string backup_dir = district_->dir() + "/backups";
  v1::BackupRequest req;
  req.set_directory(backup_dir);
  auto backup = district_->As("operator").Backup(req, absl::Seconds(60));
  absl::SleepFor(absl::Milliseconds(200));  // writes go on after the backup too
  stop = true;
  for (auto& t : threads) t.join();
  ASSERT_TRUE(backup.ok()) << backup.status();
  EXPECT_GE(backup->file_count(), 1u);
  EXPECT_GT(backup->audit_head_seq(), 0u);
  ASSERT_GT(acked_before, 20u) << "too few writes before the backup to mean anything";
  size_t acked_after;
  {
    std::lock_guard<std::mutex> l(mu);
    acked_after = acks.size() - acked_before;
  }
  EXPECT_GT(acked_after, 0u) << "no write was acknowledged while or after the backup ran";

  std::string out;
  const int rc = Daemon::RunToCompletion(
      CASELINK_ADMIN_PATH, {"restore", "--config", ConfigWithDb("restored"), "--from", backup_dir}, &out);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_THAT(out, ::testing::HasSubstr("OK: cases="));
  EXPECT_THAT(out, ::testing::HasSubstr("access log: OK"));

  auto db = storage::Database::OpenReadOnly(district_->dir() + "/restored");
  ASSERT_TRUE(db.ok()) << db.status();
  storage::CaseStore store(db->get(), nullptr);
  size_t missing = 0;
  for (size_t i = 0; i < acked_before; ++i) {
    auto c = store.Get(acks[i].case_id, acks[i].version);
    if (!c.ok()) ++missing;
  }
  EXPECT_EQ(missing, 0u) << "of " << acked_before << " writes acknowledged before the backup";
  std::printf("backup under load: acked_before=%zu acked_during_or_after=%zu backup_files=%u bytes=%lu\n",
              acked_before, acked_after, backup->file_count(),
              static_cast<unsigned long>(backup->size_bytes()));
}

TEST_F(BackupTest, RestoreRefusesToOverwriteWithoutForceAndKeepsTheOldDatabase) {
  ASSERT_TRUE(district_->As("market").SubmitCase(SampleCase()).ok());
  const std::string backup_dir = district_->dir() + "/backups";
  v1::BackupRequest req;
  req.set_directory(backup_dir);
  ASSERT_TRUE(district_->As("operator").Backup(req, absl::Seconds(60)).ok());
  std::string out;
  const std::string cfg = ConfigWithDb("restored");
  ASSERT_EQ(Daemon::RunToCompletion(CASELINK_ADMIN_PATH, {"restore", "--config", cfg, "--from", backup_dir}, &out), 0)
      << out;
  out.clear();
  EXPECT_EQ(Daemon::RunToCompletion(CASELINK_ADMIN_PATH, {"restore", "--config", cfg, "--from", backup_dir}, &out), 1);
  EXPECT_THAT(out, ::testing::HasSubstr("already holds a database"));
  out.clear();
  EXPECT_EQ(Daemon::RunToCompletion(CASELINK_ADMIN_PATH, {"restore", "--config", cfg, "--from", backup_dir, "--force"},
                                    &out),
            0)
      << out;
  EXPECT_THAT(out, ::testing::HasSubstr("the previous database is kept in"));
  out.clear();
  const std::string nowhere = district_->dir() + "/no-such-backups";
  EXPECT_EQ(Daemon::RunToCompletion(CASELINK_ADMIN_PATH, {"restore", "--config", cfg, "--from", nowhere}, &out), 2)
      << out;
  EXPECT_THAT(out, ::testing::HasSubstr("--from " + nowhere + ": is not a directory"));
}

// A restore cuts the log back to the backup; the restored log says so
// itself: the server's next start writes an operator entry naming the
// backup and where the previous database was kept, and the chain verifies.
TEST_F(BackupTest, TheRestoredLogRecordsTheRestoreAtTheNextStart) {
  ASSERT_TRUE(district_->As("market").SubmitCase(SampleCase()).ok());
  const std::string backup_dir = district_->dir() + "/backups";
  v1::BackupRequest req;
  req.set_directory(backup_dir);
  ASSERT_TRUE(district_->As("operator").Backup(req, absl::Seconds(60)).ok());
  ASSERT_TRUE(district_->As("market").SubmitCase(SampleCase()).ok());  // after the backup: lost by the restore
  district_->Stop();
  std::string out;
  ASSERT_EQ(Daemon::RunToCompletion(CASELINK_ADMIN_PATH,
                                    {"restore", "--config", district_->config_path(), "--from", backup_dir, "--force"},
                                    &out),
            0)
      << out;
  ASSERT_TRUE(district_->Restart().ok());
  district_->Stop();

  auto db = storage::Database::OpenReadOnly(district_->db_path());
  ASSERT_TRUE(db.ok()) << db.status();
  auto all = storage::QueryAuditByAgency(**db, "", absl::UnixEpoch(), absl::FromUnixSeconds(int64_t{1} << 40), 1000);
  ASSERT_TRUE(all.ok()) << all.status();
  const v1::AuditEntry* restore = nullptr;
  for (const v1::AuditEntry& e : all->entries) {
    if (e.method() == "caselinkd/Restore") restore = &e;
  }
  ASSERT_NE(restore, nullptr) << "no entry of the restore in the restored log";
  EXPECT_THAT(restore->detail(), ::testing::HasSubstr(backup_dir));
  EXPECT_THAT(restore->detail(), ::testing::HasSubstr("entries written after that backup are not in this log"));
  EXPECT_THAT(restore->detail(), ::testing::HasSubstr(".before-restore-"));
  EXPECT_FALSE(std::filesystem::exists(district_->db_path() + "/CASELINK-RESTORED")) << "logged once, then removed";
  auto verified = storage::VerifyAuditLog(**db, "");
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_TRUE(verified->ok()) << verified->Summary();
}

// Documents travel with the backup: the restored database holds the
// content, byte for byte, and the restore's integrity check read it back and
// verified its hash (docs/documents.md).
TEST_F(BackupTest, ADocumentSurvivesBackupAndRestoreWithItsHashVerified) {
  auto transfer = NewForwardTransfer(district_->As("market"));
  ASSERT_TRUE(transfer.ok()) << transfer.status();
  std::string pdf = "%PDF-1.7\n";
  for (int i = 0; pdf.size() < (3u << 20); ++i) pdf += absl::StrCat("line ", i, " of the 移送书\n");
  const std::string path = district_->dir() + "/移送书.pdf";
  ASSERT_TRUE(WriteFile(path, pdf).ok());
  v1::UploadHeader h;
  h.set_item_id(transfer->transfer().id());
  h.set_kind(v1::MATERIAL_TRANSFER_LETTER);
  auto up = district_->As("market").UploadDocumentFile(h, path);
  ASSERT_TRUE(up.ok()) << up.status();

  const std::string backup_dir = district_->dir() + "/backups";
  v1::BackupRequest req;
  req.set_directory(backup_dir);
  ASSERT_TRUE(district_->As("operator").Backup(req, absl::Seconds(60)).ok());
  std::string out;
  ASSERT_EQ(Daemon::RunToCompletion(CASELINK_ADMIN_PATH,
                                    {"restore", "--config", ConfigWithDb("restored"), "--from", backup_dir}, &out),
            0)
      << out;
  EXPECT_THAT(out, ::testing::HasSubstr("document_contents=1"));
  auto db = storage::Database::OpenReadOnly(district_->dir() + "/restored");
  ASSERT_TRUE(db.ok()) << db.status();
  storage::DocumentStore restored(db->get(), nullptr);
  auto doc = restored.Get(up->document().id());
  ASSERT_TRUE(doc.ok()) << doc.status();
  std::string content;
  ASSERT_TRUE(restored.Read(*doc, 0, [&](absl::string_view piece) {
    content.append(piece.data(), piece.size());
    return true;
  }).ok());
  EXPECT_TRUE(content == pdf) << "restored " << content.size() << " bytes of " << pdf.size();
  auto verified = storage::DocumentStore::VerifyAll(**db);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(*verified, 1);
}

// A relative name is taken below admin.backup_dir (refusals of paths
// outside it: e2e_backup_dir_test.cc).
TEST_F(BackupTest, RelativeDirectoryIsTakenBelowTheBackupDir) {
  v1::BackupRequest req;
  req.set_directory("nightly");
  auto resp = district_->As("operator").Backup(req, absl::Seconds(30));
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->directory(), std::filesystem::canonical(district_->backup_dir()).string() + "/nightly");
  EXPECT_TRUE(std::filesystem::is_directory(district_->backup_dir() + "/nightly/meta"));
}

TEST_F(BackupTest, IntegrityCheckCatchesAMissingIndexKey) {
  ASSERT_TRUE(district_->As("market").SubmitCase(SampleCase()).ok());
  district_->Stop();
  auto db = storage::Database::Open(district_->db_path());
  ASSERT_TRUE(db.ok()) << db.status();
  std::string hmac_key;
  {
    std::ifstream in(district_->dir() + "/audit-hmac.key", std::ios::binary);
    hmac_key.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  auto intact = storage::CheckIntegrity(**db, hmac_key, "");
  ASSERT_TRUE(intact.ok()) << intact.status();
  EXPECT_TRUE(intact->ok()) << intact->Summary();
  EXPECT_GT(intact->index_keys, 0u);

  std::unique_ptr<rocksdb::Iterator> it(
      storage::RawDb((*db))->NewIterator(rocksdb::ReadOptions(), (*db)->cf(storage::Table::kCaseIndex)));
  it->SeekToFirst();
  ASSERT_TRUE(it->Valid());
  ASSERT_TRUE(storage::RawDb((*db))->Delete(rocksdb::WriteOptions(), (*db)->cf(storage::Table::kCaseIndex), it->key()).ok());
  it.reset();
  auto broken = storage::CheckIntegrity(**db, hmac_key, "");
  ASSERT_TRUE(broken.ok());
  EXPECT_FALSE(broken->ok());
  EXPECT_EQ(broken->problem_count, 1u) << broken->Summary();
  // A wrong HMAC key makes every party-id key look stale and missing.
  auto wrong_key = storage::CheckIntegrity(**db, std::string(32, 'x'), "");
  ASSERT_TRUE(wrong_key.ok());
  EXPECT_FALSE(wrong_key->ok());
}

}  // namespace
}  // namespace caselink::testing
