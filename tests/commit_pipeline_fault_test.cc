// storage::CommitPipeline over a file system that fails on demand
// (tests/support/fault_injection_fs.h): a write that fails (I/O error, or a
// full disk) fails its group and stores nothing, and everything acknowledged
// before survives a reopen with gap-free sequences; a full disk is reported
// as such (IsStorageFull); a failed fsync fails the waiting requests and
// every later commit, as the pipeline's header promises, and what was
// acknowledged before the failure survives.
#include "support/raw_db.h"
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
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

absl::StatusOr<CommitResult> Append(CommitPipeline& p, const std::string& payload, bool durable = true) {
  CommitRequest req;
  req.durable = durable;
  req.puts.push_back({Table::kMeta, "k-" + payload, payload});
  req.appends.push_back({Table::kAuditLog, payload, {}});
  return p.Commit(std::move(req));
}

std::vector<std::string> Log(Database& db) {
  std::vector<std::string> out;
  std::unique_ptr<rocksdb::Iterator> it(storage::RawDb(db)->NewIterator(rocksdb::ReadOptions(), db.cf(Table::kAuditLog)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) out.push_back(it->value().ToString());
  return out;
}

bool Has(Database& db, const std::string& key) {
  std::string v;
  return storage::RawDb(db)->Get(rocksdb::ReadOptions(), db.cf(Table::kMeta), key, &v).ok();
}

class CommitPipelineFaultTest : public ::testing::Test {
 protected:
  void Open(rocksdb::Env* env) {
    auto db = Database::Open(dir_.Join("db"), env);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    pipeline_ = std::make_unique<CommitPipeline>(db_.get());
  }
  void Close() {
    pipeline_.reset();
    db_.reset();
  }
  TempDir dir_;
  FaultInjectionEnv fault_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<CommitPipeline> pipeline_;
};

TEST_F(CommitPipelineFaultTest, AFailedWalWriteStoresNothingAndKeepsWhatWasAcknowledged) {
  Open(fault_.env.get());
  ASSERT_TRUE(Append(*pipeline_, "a").ok());
  ASSERT_TRUE(Append(*pipeline_, "b", /*durable=*/false).ok());
  fault_.fs->FailWrites(Fault::kIoError, FaultScope::kWalOnly);
  auto r = Append(*pipeline_, "lost");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
  EXPECT_FALSE(IsStorageFull(r.status()));
  EXPECT_GT(fault_.fs->failed_writes(), 0);
  EXPECT_FALSE(Has(*db_, "k-lost"));
  Close();  // while the device still fails: nothing buffered reaches the disk later
  fault_.fs->FailWrites(Fault::kNone);
  Open(nullptr);
  EXPECT_THAT(Log(*db_), ::testing::ElementsAre("a", "b"));
  EXPECT_TRUE(Has(*db_, "k-a"));
  EXPECT_FALSE(Has(*db_, "k-lost"));
  // The log continues where it was: no gap where the failed group was.
  auto next = Append(*pipeline_, "c");
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->sequences.at(0), 3u);
}

TEST_F(CommitPipelineFaultTest, AFullDiskIsReportedAsSuch) {
  Open(fault_.env.get());
  ASSERT_TRUE(Append(*pipeline_, "a").ok());
  fault_.fs->FailWrites(Fault::kNoSpace);
  auto r = Append(*pipeline_, "lost");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(IsStorageFull(r.status())) << r.status();
  EXPECT_THAT(r.status().message(), HasSubstr("disk is full"));
  // While the disk is full every commit fails the same way.
  auto again = Append(*pipeline_, "lost2", /*durable=*/false);
  EXPECT_TRUE(IsStorageFull(again.status())) << again.status();
  Close();
  fault_.fs->FailWrites(Fault::kNone);
  Open(nullptr);
  EXPECT_THAT(Log(*db_), ::testing::ElementsAre("a"));
}

TEST_F(CommitPipelineFaultTest, AFailedFsyncFailsTheWaitersAndEveryLaterCommit) {
  Open(fault_.env.get());
  ASSERT_TRUE(Append(*pipeline_, "a").ok());
  fault_.fs->FailSyncs(Fault::kIoError, FaultScope::kWalOnly);
  auto r = Append(*pipeline_, "unknown");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(r.status().message(), HasSubstr("failed to sync"));
  EXPECT_GT(fault_.fs->failed_syncs(), 0);
  // The state on disk is unknown: the pipeline refuses everything after,
  // even once the device works again, until the process restarts.
  fault_.fs->FailSyncs(Fault::kNone);
  auto later = Append(*pipeline_, "later", /*durable=*/false);
  EXPECT_EQ(later.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(later.status().message(), HasSubstr("refuses writes until it is restarted"));
  Close();
  Open(nullptr);
  // What was acknowledged before the failure is there; the unsynced group's
  // fate was unknown to its caller (it retries with its request id), and the
  // refused one is absent. The log has no gap either way.
  auto log = Log(*db_);
  ASSERT_GE(log.size(), 1u);
  EXPECT_EQ(log[0], "a");
  EXPECT_THAT(log, ::testing::Not(::testing::Contains("later")));
  auto next = Append(*pipeline_, "after-restart");
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->sequences.at(0), log.size() + 1);
}

// Many durable writers at once, while the fsync fails: whether they share a
// group or not, none is told its write is durable, and the listeners (which
// wake event streams) never hear of a sequence that was not synced.
TEST_F(CommitPipelineFaultTest, AFailedFsyncAcknowledgesNoWriteOfItsGroupAndNotifiesNoListener) {
  Open(fault_.env.get());
  std::mutex mu;
  uint64_t last_notified = 0;
  pipeline_->AddListener([&](Table table, uint64_t last_seq) {
    if (table != Table::kAuditLog) return;
    std::lock_guard<std::mutex> l(mu);
    last_notified = std::max(last_notified, last_seq);
  });
  auto first = Append(*pipeline_, "a");
  ASSERT_TRUE(first.ok()) << first.status();
  // The listener runs on the syncer thread after the waiter is answered.
  for (int i = 0; i < 200; ++i) {
    {
      std::lock_guard<std::mutex> l(mu);
      if (last_notified == 1) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  {
    std::lock_guard<std::mutex> l(mu);
    ASSERT_EQ(last_notified, 1u);
  }

  fault_.fs->FailSyncs(Fault::kIoError, FaultScope::kWalOnly);
  constexpr int kWriters = 8;
  std::atomic<int> acknowledged{0};
  std::vector<absl::Status> statuses(kWriters);
  std::vector<std::thread> writers;
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&, i] {
      auto r = Append(*pipeline_, "w" + std::to_string(i));
      if (r.ok()) ++acknowledged;
      statuses[i] = r.status();
    });
  }
  for (auto& t : writers) t.join();
  EXPECT_EQ(acknowledged.load(), 0);
  for (const absl::Status& s : statuses) {
    EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  }
  EXPECT_GT(fault_.fs->failed_syncs(), 0);
  {
    std::lock_guard<std::mutex> l(mu);
    EXPECT_EQ(last_notified, 1u) << "a listener was told of a sequence that never synced";
  }
}

// A request that asked for no fsync (a read's access-log entry) is answered
// once written; the fsync after it fails, and from then on every commit,
// durable or not, is refused without being written.
TEST_F(CommitPipelineFaultTest, AfterAFailedFsyncNothingMoreIsWrittenOrAcknowledged) {
  Open(fault_.env.get());
  ASSERT_TRUE(Append(*pipeline_, "a").ok());
  fault_.fs->FailSyncs(Fault::kIoError, FaultScope::kWalOnly);
  auto durable = Append(*pipeline_, "unknown");
  ASSERT_FALSE(durable.ok());
  const uint64_t next = pipeline_->NextSequence(Table::kAuditLog);
  for (int i = 0; i < 3; ++i) {
    auto r = Append(*pipeline_, "refused" + std::to_string(i), /*durable=*/i % 2 == 0);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
    EXPECT_FALSE(Has(*db_, "k-refused" + std::to_string(i)));
  }
  // Refused before the committer: no sequence number was taken.
  EXPECT_EQ(pipeline_->NextSequence(Table::kAuditLog), next);
}

// A full disk at fsync time is reported as a full disk (IsStorageFull), so
// the operator is told what to fix, and the pipeline stays closed.
TEST_F(CommitPipelineFaultTest, AFsyncFailingForAFullDiskIsReportedAsSuch) {
  Open(fault_.env.get());
  ASSERT_TRUE(Append(*pipeline_, "a").ok());
  fault_.fs->FailSyncs(Fault::kNoSpace, FaultScope::kWalOnly);
  auto r = Append(*pipeline_, "unknown");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(IsStorageFull(r.status())) << r.status();
  fault_.fs->FailSyncs(Fault::kNone);
  auto later = Append(*pipeline_, "later");
  EXPECT_TRUE(IsStorageFull(later.status())) << later.status();
}

}  // namespace
}  // namespace caselink::storage
