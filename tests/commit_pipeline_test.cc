// storage::CommitPipeline against a real RocksDB: durable and write-only
// (durable = false) requests from many threads get gap-free sequences in
// commit order, all of them are stored and survive reopening, and listeners
// hear of every group once it is synced.
#include "storage/commit_pipeline.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/database.h"
#include "support/raw_db.h"
#include "support/temp_dir.h"

namespace caselink::storage {
namespace {

using ::caselink::testing::TempDir;

// Keeps in `heard` the last event sequence of the synced groups, each after
// `delay` (a slow listener).
void HearEvents(CommitPipeline* pipeline, std::atomic<uint64_t>* heard,
                std::chrono::milliseconds delay = std::chrono::milliseconds(0)) {
  pipeline->AddListener([heard, delay](Table table, uint64_t last) {
    std::this_thread::sleep_for(delay);
    if (table == Table::kEvents) *heard = std::max<uint64_t>(*heard, last);
  });
}

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
          req.appends.push_back({Table::kAuditLog, "entry", {}});
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
  HearEvents(&pipeline, &heard);
  for (int i = 0; i < 10; ++i) {
    CommitRequest req;
    req.appends.push_back({Table::kEvents, "event", {}});
    req.durable = (i % 2 == 0);
    ASSERT_TRUE(pipeline.Commit(std::move(req)).ok());
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (heard < 10 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(heard.load(), 10u);
}

// A durable commit is answered after the listeners of its group ran, so its
// caller finds them past it (the audit chain's head, AuditChain::head_seq).
TEST(CommitPipelineTest, ADurableCommitIsAnsweredAfterItsGroupsListeners) {
  TempDir dir;
  auto db = Database::Open(dir.Join("db"));
  ASSERT_TRUE(db.ok()) << db.status();
  CommitPipeline pipeline(db->get());
  std::atomic<uint64_t> heard{0};
  // Slow on purpose: answering first would let the caller look before it.
  HearEvents(&pipeline, &heard, std::chrono::milliseconds(20));
  for (int i = 0; i < 3; ++i) {
    CommitRequest req;
    req.appends.push_back({Table::kEvents, "event", {}});
    auto r = pipeline.Commit(std::move(req));
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(heard.load(), r->sequences[0]);
  }
}

TEST(CommitPipelineTest, FailedGroupStoresNothingAndLaterGroupsContinue) {
  TempDir dir;
  auto db = Database::Open(dir.Join("db"));
  ASSERT_TRUE(db.ok()) << db.status();
  CommitPipeline pipeline(db->get());
  pipeline.InjectFailureForTest(absl::UnavailableError("disk gone"));
  CommitRequest bad;
  bad.durable = false;
  bad.appends.push_back({Table::kAuditLog, "lost", {}});
  EXPECT_EQ(pipeline.Commit(std::move(bad)).status().code(), absl::StatusCode::kUnavailable);
  pipeline.InjectFailureForTest(absl::OkStatus());
  CommitRequest good;
  good.appends.push_back({Table::kAuditLog, "kept", {}});
  auto r = pipeline.Commit(std::move(good));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->sequences.at(0), 1u);  // the failed group advanced nothing
}

// Waiting callers and callback callers mixed: every request is answered
// exactly once with its own gap-free sequence, the callers waiting in Commit
// are handed the lead between callback groups (none hangs), and a durable
// callback request is answered only after its group is synced.
TEST(CommitPipelineTest, CallbackRequestsMixWithWaitingOnes) {
  TempDir dir;
  std::set<uint64_t> seqs;
  constexpr int kThreads = 8, kEach = 300;
  {
    auto db = Database::Open(dir.Join("db"));
    ASSERT_TRUE(db.ok()) << db.status();
    CommitPipeline pipeline(db->get());
    std::mutex mu;
    std::atomic<int> answered{0};
    auto note = [&](const absl::StatusOr<CommitResult>& r) {
      ASSERT_TRUE(r.ok()) << r.status();
      std::lock_guard<std::mutex> l(mu);
      EXPECT_TRUE(seqs.insert(r->sequences.at(0)).second) << r->sequences.at(0);
    };
    std::vector<std::thread> ts;
    for (int t = 0; t < kThreads; ++t) {
      ts.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) {
          CommitRequest req;
          req.durable = i % 3 == 0;
          req.appends.push_back({Table::kAuditLog, "entry", {}});
          if (t % 2 == 0) {
            note(pipeline.Commit(std::move(req)));
            ++answered;
          } else {
            pipeline.CommitAsync(std::move(req), [&](absl::StatusOr<CommitResult> r) {
              note(r);
              ++answered;
            });
          }
        }
      });
    }
    for (auto& t : ts) t.join();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (answered < kThreads * kEach && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    EXPECT_EQ(answered.load(), kThreads * kEach);
  }
  ASSERT_EQ(seqs.size(), static_cast<size_t>(kThreads * kEach));
  EXPECT_EQ(*seqs.begin(), 1u);
  EXPECT_EQ(*seqs.rbegin(), static_cast<uint64_t>(kThreads * kEach));
  auto db = Database::Open(dir.Join("db"));
  ASSERT_TRUE(db.ok()) << db.status();
  CommitPipeline reopened(db->get());
  EXPECT_EQ(reopened.NextSequence(Table::kAuditLog), static_cast<uint64_t>(kThreads * kEach + 1));
}

// A callback request alone is written and answered on the caller's thread
// before CommitAsync returns; a durable one is answered by the syncer only
// once synced (listeners, which run after the sync, have heard of it).
TEST(CommitPipelineTest, CallbackRequestIsAnsweredOnceWrittenOrSynced) {
  TempDir dir;
  auto db = Database::Open(dir.Join("db"));
  ASSERT_TRUE(db.ok()) << db.status();
  CommitPipeline pipeline(db->get());
  bool answered = false;
  CommitRequest read;
  read.durable = false;
  read.appends.push_back({Table::kAuditLog, "read", {}});
  pipeline.CommitAsync(std::move(read), [&](absl::StatusOr<CommitResult> r) {
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->sequences.at(0), 1u);
    answered = true;
  });
  EXPECT_TRUE(answered);  // uncontended: this thread led its own group

  std::atomic<uint64_t> synced{0};
  pipeline.AddListener([&](Table table, uint64_t last) {
    if (table == Table::kAuditLog) synced = std::max<uint64_t>(synced, last);
  });
  std::atomic<bool> durable_answered{false};
  std::atomic<uint64_t> synced_when_answered{0};
  CommitRequest write;
  write.appends.push_back({Table::kAuditLog, "durable", {}});
  std::mutex mu;
  std::condition_variable cv;
  pipeline.CommitAsync(std::move(write), [&](absl::StatusOr<CommitResult> r) {
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->sequences.at(0), 2u);
    std::lock_guard<std::mutex> l(mu);
    durable_answered = true;
    cv.notify_all();
  });
  std::unique_lock<std::mutex> l(mu);
  ASSERT_TRUE(cv.wait_for(l, std::chrono::seconds(5), [&] { return durable_answered.load(); }));
  // Answered on the syncer after the fsync; its listeners for the group run
  // after the answers, so wait for them briefly.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (synced < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(synced.load(), 2u);
}

TEST(CommitPipelineTest, FailedCallbackRequestGetsTheErrorAndStoresNothing) {
  TempDir dir;
  auto db = Database::Open(dir.Join("db"));
  ASSERT_TRUE(db.ok()) << db.status();
  CommitPipeline pipeline(db->get());
  pipeline.InjectFailureForTest(absl::UnavailableError("disk gone"), 1);
  absl::Status got;
  CommitRequest bad;
  bad.durable = false;
  bad.appends.push_back({Table::kAuditLog, "lost", {}});
  pipeline.CommitAsync(std::move(bad), [&](absl::StatusOr<CommitResult> r) { got = r.status(); });
  EXPECT_EQ(got.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(pipeline.NextSequence(Table::kAuditLog), 1u);
}

TEST(CommitPipelineTest, IndexPrefixesAreCompletedWithTheRecordsSequence) {
  TempDir dir;
  auto db = Database::Open(dir.Join("db"));
  ASSERT_TRUE(db.ok()) << db.status();
  CommitPipeline pipeline(db->get());
  CommitRequest first;
  first.appends.push_back({Table::kEvents, "one", {{Table::kEventIndex, std::string("psb\0", 4)}}});
  CommitRequest second;
  second.appends.push_back({Table::kEvents, "two",
                            {{Table::kEventIndex, std::string("psb\0", 4)},
                             {Table::kEventIndex, std::string("market\0", 7)}}});
  ASSERT_TRUE(pipeline.Commit(std::move(first)).ok());
  auto r = pipeline.Commit(std::move(second));
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->sequences, std::vector<uint64_t>{2});
  std::vector<std::string> keys;
  std::unique_ptr<rocksdb::Iterator> it((*db)->NewIterator(rocksdb::ReadOptions(), Table::kEventIndex));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    EXPECT_TRUE(it->value().empty());
    keys.push_back(it->key().ToString());
  }
  const std::string s1 = CommitPipeline::SequenceKey(1), s2 = CommitPipeline::SequenceKey(2);
  EXPECT_EQ(keys, (std::vector<std::string>{std::string("market\0", 7) + s2,
                                            std::string("psb\0", 4) + s1,
                                            std::string("psb\0", 4) + s2}));
}

// What a counted index holds, in key order: (key, value) pairs.
std::vector<std::pair<std::string, std::string>> IndexContents(Database* db, Table table) {
  std::vector<std::pair<std::string, std::string>> out;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), table));
  for (it->SeekToFirst(); it->Valid(); it->Next()) out.emplace_back(it->key().ToString(), it->value().ToString());
  return out;
}

TEST(CommitPipelineTest, CountedPrefixesNumberTheirOwnRecordsWithoutGaps) {
  TempDir dir;
  auto db = Database::Open(dir.Join("db"));
  ASSERT_TRUE(db.ok()) << db.status();
  const std::string psb("psb\0", 4), market("market\0", 7);
  auto key = [](const std::string& prefix, uint64_t n) { return prefix + CommitPipeline::SequenceKey(n); };
  auto seq = [](uint64_t n) { return CommitPipeline::SequenceKey(n); };
  // A key of the older layout (the event's sequence number, no value): the
  // count continues after it.
  ASSERT_TRUE(RawDb(*db)->Put(rocksdb::WriteOptions(), (*db)->cf(Table::kEventIndex), key(psb, 7), "").ok());
  auto event = [&](const std::string& payload, std::vector<std::string> to) {
    Append a{Table::kEvents, payload, {}};
    for (const std::string& prefix : to) a.index.push_back({Table::kEventIndex, prefix, /*counted=*/true});
    return a;
  };
  {
    CommitPipeline pipeline(db->get());
    CommitRequest a;
    a.appends.push_back(event("A", {psb, market}));
    ASSERT_TRUE(pipeline.Commit(std::move(a)).ok());
    CommitRequest b;
    b.appends.push_back(event("B", {market}));
    ASSERT_TRUE(pipeline.Commit(std::move(b)).ok());
    // A failed group takes no count: the next record of psb gets the number
    // the failed one would have had.
    pipeline.InjectFailureForTest(absl::UnavailableError("injected"), 1);
    CommitRequest c;
    c.appends.push_back(event("C", {psb}));
    EXPECT_FALSE(pipeline.Commit(std::move(c)).ok());
    CommitRequest d;
    d.appends.push_back(event("D", {psb}));
    auto r = pipeline.Commit(std::move(d));
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->sequences, std::vector<uint64_t>{3});
  }
  // A new pipeline on the same database continues each count.
  CommitPipeline pipeline(db->get());
  CommitRequest e;
  e.appends.push_back(event("E", {market}));
  e.appends.push_back(event("F", {psb}));
  e.appends.push_back(event("G", {psb}));
  auto r = pipeline.Commit(std::move(e));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->sequences, (std::vector<uint64_t>{4, 5, 6}));
  EXPECT_EQ(IndexContents(db->get(), Table::kEventIndex),
            (std::vector<std::pair<std::string, std::string>>{
                {key(market, 1), seq(1)}, {key(market, 2), seq(2)}, {key(market, 3), seq(4)},
                {key(psb, 7), ""}, {key(psb, 8), seq(1)}, {key(psb, 9), seq(3)},
                {key(psb, 10), seq(5)}, {key(psb, 11), seq(6)}}));
}

TEST(CommitPipelineTest, AFailedGroupWritesNoIndexKeys) {
  TempDir dir;
  auto db = Database::Open(dir.Join("db"));
  ASSERT_TRUE(db.ok()) << db.status();
  CommitPipeline pipeline(db->get());
  pipeline.InjectFailureForTest(absl::UnavailableError("injected"), 1);
  CommitRequest req;
  req.appends.push_back({Table::kEvents, "lost", {{Table::kEventIndex, "psb"}}});
  EXPECT_FALSE(pipeline.Commit(std::move(req)).ok());
  std::unique_ptr<rocksdb::Iterator> it((*db)->NewIterator(rocksdb::ReadOptions(), Table::kEventIndex));
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
}

}  // namespace
}  // namespace caselink::storage
