// storage::CommitPipeline against a real RocksDB: durable and write-only
// (durable = false) requests from many threads get gap-free sequences in
// commit order, all of them are stored and survive reopening, and listeners
// hear of every group once it is synced.
#include "storage/commit_pipeline.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "storage/database.h"
#include "support/temp_dir.h"

namespace caselink::storage {
namespace {

using ::caselink::testing::TempDir;

TEST(CommitPipelineTest, DurableAndWriteOnlyRequestsAreAllStoredInOrder) {
  TempDir dir;
  std::set<uint64_t> seqs;
  {
    auto db = Database::Open(dir.Join("db"));
    ASSERT_TRUE(db.ok()) << db.status();
    CommitPipeline pipeline(db->get());
    std::mutex mu;
    std::vector<std::thread> ts;
    for (int t = 0; t < 8; ++t) {
      ts.emplace_back([&, t] {
        for (int i = 0; i < 200; ++i) {
          CommitRequest req;
          req.durable = (t % 2 == 0);  // half are reads' access-log entries
          req.appends.push_back({Table::kAuditLog, "entry"});
          auto r = pipeline.Commit(std::move(req));
          ASSERT_TRUE(r.ok()) << r.status();
          std::lock_guard<std::mutex> l(mu);
          EXPECT_TRUE(seqs.insert(r->sequences.at(0)).second);
        }
      });
    }
    for (auto& t : ts) t.join();
  }
  ASSERT_EQ(seqs.size(), 1600u);
  EXPECT_EQ(*seqs.begin(), 1u);
  EXPECT_EQ(*seqs.rbegin(), 1600u);  // no gaps
  // Everything acknowledged is there after reopening.
  auto db = Database::Open(dir.Join("db"));
  ASSERT_TRUE(db.ok()) << db.status();
  CommitPipeline reopened(db->get());
  EXPECT_EQ(reopened.NextSequence(Table::kAuditLog), 1601u);
}

TEST(CommitPipelineTest, ListenersHearOfEveryGroupOnceSynced) {
  TempDir dir;
  auto db = Database::Open(dir.Join("db"));
  ASSERT_TRUE(db.ok()) << db.status();
  CommitPipeline pipeline(db->get());
  std::atomic<uint64_t> heard{0};
  pipeline.AddListener([&](Table table, uint64_t last) {
    if (table == Table::kEvents) heard = std::max<uint64_t>(heard, last);
  });
  for (int i = 0; i < 10; ++i) {
    CommitRequest req;
    req.appends.push_back({Table::kEvents, "event"});
    req.durable = (i % 2 == 0);
    ASSERT_TRUE(pipeline.Commit(std::move(req)).ok());
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (heard < 10 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(heard.load(), 10u);
}

TEST(CommitPipelineTest, FailedGroupStoresNothingAndLaterGroupsContinue) {
  TempDir dir;
  auto db = Database::Open(dir.Join("db"));
  ASSERT_TRUE(db.ok()) << db.status();
  CommitPipeline pipeline(db->get());
  pipeline.InjectFailureForTest(absl::UnavailableError("disk gone"));
  CommitRequest bad;
  bad.durable = false;
  bad.appends.push_back({Table::kAuditLog, "lost"});
  EXPECT_EQ(pipeline.Commit(std::move(bad)).status().code(), absl::StatusCode::kUnavailable);
  pipeline.InjectFailureForTest(absl::OkStatus());
  CommitRequest good;
  good.appends.push_back({Table::kAuditLog, "kept"});
  auto r = pipeline.Commit(std::move(good));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->sequences.at(0), 1u);  // the failed group advanced nothing
}

}  // namespace
}  // namespace caselink::storage
