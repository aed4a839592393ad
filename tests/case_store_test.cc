// storage::CaseStore against a real RocksDB in a temp dir: creation,
// versioning with optimistic concurrency, idempotent replays, immutable
// history, paginated listing, concurrent writers, and durability across reopen.
#include "support/raw_db.h"
#include "storage/case_store.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "storage/case_keys.h"
#include "storage/commit_pipeline.h"
#include "storage/database.h"
#include "support/temp_dir.h"

namespace caselink::storage {
namespace {

using ::caselink::testing::TempDir;
using ::google::protobuf::util::MessageDifferencer;
using ::google::protobuf::util::TimeUtil;
using ::testing::HasSubstr;

// 2024-02-29 20:30:00 UTC is 2024-03-01 04:30 in Asia/Shanghai.
absl::Time T0() { return absl::FromCivil(absl::CivilSecond(2024, 2, 29, 20, 30, 0), absl::UTCTimeZone()); }

int64_t Nanos(const google::protobuf::Timestamp& ts) { return TimeUtil::TimestampToNanoseconds(ts); }

v1::Case Content(const std::string& title, v1::Domain domain = v1::MARKET_ORDER) {
  v1::Case c;
  c.set_domain(domain);
  c.set_title(title);
  c.set_status(v1::REGISTERED);
  c.set_facts("事实：" + title);
  auto* p = c.add_parties()->mutable_person();
  p->set_name("张三");
  p->set_id_number("510105199001011237");
  return c;
}

SubmitCommand Create(const std::string& agency, const std::string& request_id,
                     const std::string& title, absl::Time now = T0(),
                     v1::Domain domain = v1::MARKET_ORDER) {
  SubmitCommand cmd;
  cmd.agency = agency;
  cmd.request_id = request_id;
  cmd.request_digest = "digest-" + request_id + "-" + title;
  cmd.content = Content(title, domain);
  cmd.expected_version = 0;
  cmd.now = now;
  return cmd;
}

SubmitCommand Update(const std::string& agency, const std::string& request_id,
                     const std::string& case_id, int64_t expected_version,
                     const std::string& title, absl::Time now) {
  SubmitCommand cmd = Create(agency, request_id, title, now);
  cmd.content.set_case_id(case_id);
  cmd.expected_version = expected_version;
  return cmd;
}

bool Same(const v1::Case& a, const v1::Case& b) { return MessageDifferencer::Equals(a, b); }

class CaseStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    store_.reset();
    pipeline_.reset();
    db_.reset();
    auto db = Database::Open(dir_.Join("db"));
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    pipeline_ = std::make_unique<CommitPipeline>(db_.get());
    store_ = std::make_unique<CaseStore>(db_.get(), pipeline_.get());
  }

  v1::Case MustSubmit(const SubmitCommand& cmd) {
    auto out = store_->Submit(cmd);
    EXPECT_TRUE(out.ok()) << out.status();
    if (!out.ok()) return v1::Case();
    EXPECT_FALSE(out->replayed);
    return out->stored;
  }

  int CountHeads() {
    ListQuery q;
    q.limit = 100000;
    auto page = store_->List(q);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? static_cast<int>(page->cases.size()) : -1;
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<CommitPipeline> pipeline_;
  std::unique_ptr<CaseStore> store_;
};

TEST_F(CaseStoreTest, CreateAssignsIdVersionOwnerAndTimestamps) {
  SubmitCommand cmd = Create("market", "r1", "无照经营");
  // Server-assigned fields sent by the client are overwritten.
  cmd.content.set_owner_agency("psb");
  cmd.content.set_version(99);
  cmd.content.set_case_id("");
  *cmd.content.mutable_create_time() = TimeUtil::SecondsToTimestamp(1);
  auto out = store_->Submit(cmd);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_FALSE(out->replayed);
  const v1::Case& c = out->stored;
  EXPECT_THAT(c.case_id(), ::testing::MatchesRegex("C20240301-[A-HJKMNP-TV-Z0-9]{12}"))
      << c.case_id();
  EXPECT_EQ(c.version(), 1);
  EXPECT_EQ(c.owner_agency(), "market");
  EXPECT_EQ(Nanos(c.create_time()), absl::ToUnixNanos(T0()));
  EXPECT_EQ(Nanos(c.update_time()), absl::ToUnixNanos(T0()));
  EXPECT_EQ(c.title(), "无照经营");
  EXPECT_EQ(c.parties(0).person().id_number(), "510105199001011237");

  auto latest = store_->Get(c.case_id(), 0);
  ASSERT_TRUE(latest.ok()) << latest.status();
  EXPECT_TRUE(Same(*latest, c));
  auto v1 = store_->Get(c.case_id(), 1);
  ASSERT_TRUE(v1.ok()) << v1.status();
  EXPECT_TRUE(Same(*v1, c));
}

TEST_F(CaseStoreTest, IdDateIsTheShanghaiDate) {
  // 2024-03-01 15:59:59 UTC is still 2024-03-01 23:59:59 in Shanghai.
  absl::Time t = absl::FromCivil(absl::CivilSecond(2024, 3, 1, 15, 59, 59), absl::UTCTimeZone());
  v1::Case c = MustSubmit(Create("market", "r1", "a", t));
  EXPECT_EQ(c.case_id().substr(0, 10), "C20240301-");
  v1::Case d = MustSubmit(Create("market", "r2", "b", t + absl::Seconds(1)));
  EXPECT_EQ(d.case_id().substr(0, 10), "C20240302-");
}

TEST_F(CaseStoreTest, NewVersionIncrementsAndKeepsOwnerAndCreateTime) {
  v1::Case c1 = MustSubmit(Create("market", "r1", "v1"));
  const absl::Time t1 = T0() + absl::Hours(1);
  SubmitCommand up = Update("market", "r2", c1.case_id(), 1, "v2", t1);
  up.agency = "market";
  up.content.set_owner_agency("someone-else");
  v1::Case c2 = MustSubmit(up);
  EXPECT_EQ(c2.case_id(), c1.case_id());
  EXPECT_EQ(c2.version(), 2);
  EXPECT_EQ(c2.owner_agency(), "market");
  EXPECT_EQ(c2.title(), "v2");
  EXPECT_EQ(Nanos(c2.create_time()), absl::ToUnixNanos(T0()));
  EXPECT_EQ(Nanos(c2.update_time()), absl::ToUnixNanos(t1));
  auto latest = store_->Get(c1.case_id(), 0);
  ASSERT_TRUE(latest.ok());
  EXPECT_TRUE(Same(*latest, c2));
}

TEST_F(CaseStoreTest, StaleExpectedVersionIsFailedPreconditionAndWritesNothing) {
  v1::Case c1 = MustSubmit(Create("market", "r1", "v1"));
  MustSubmit(Update("market", "r2", c1.case_id(), 1, "v2", T0()));
  for (int64_t stale : {1, 3, 7}) {
    auto out = store_->Submit(Update("market", "r3", c1.case_id(), stale, "bad", T0()));
    ASSERT_FALSE(out.ok()) << "expected_version " << stale;
    EXPECT_EQ(out.status().code(), absl::StatusCode::kFailedPrecondition) << out.status();
    EXPECT_THAT(out.status().message(), HasSubstr(c1.case_id()));
    EXPECT_THAT(out.status().message(), HasSubstr("version 2"));
  }
  auto versions = store_->Versions(c1.case_id());
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(versions->size(), 2u);
  EXPECT_EQ(store_->Get(c1.case_id(), 0)->title(), "v2");
  EXPECT_EQ(store_->Get(c1.case_id(), 3).status().code(), absl::StatusCode::kNotFound);
  // The failed request_id was not recorded: it can still be used.
  auto ok = store_->Submit(Update("market", "r3", c1.case_id(), 2, "v3", T0()));
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_FALSE(ok->replayed);
  EXPECT_EQ(ok->stored.version(), 3);
}

TEST_F(CaseStoreTest, UnknownCaseIsNotFoundAndWritesNothing) {
  auto out = store_->Submit(Update("market", "r1", "C20240301-AAAAAAAAAAAA", 1, "x", T0()));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kNotFound) << out.status();
  EXPECT_THAT(out.status().message(), HasSubstr("C20240301-AAAAAAAAAAAA"));
  EXPECT_EQ(CountHeads(), 0);
  EXPECT_EQ(store_->Get("C20240301-AAAAAAAAAAAA", 0).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->Versions("C20240301-AAAAAAAAAAAA").status().code(),
            absl::StatusCode::kNotFound);
  // r1 was not recorded: it creates now.
  auto c = store_->Submit(Create("market", "r1", "x"));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->replayed);
}

TEST_F(CaseStoreTest, ReplaySameRequestReturnsTheOriginal) {
  SubmitCommand cmd = Create("market", "r1", "原始");
  v1::Case first = MustSubmit(cmd);
  // A retry, even at a later time, stores nothing new.
  cmd.now = T0() + absl::Minutes(5);
  auto again = store_->Submit(cmd);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->replayed);
  EXPECT_TRUE(Same(again->stored, first));
  EXPECT_EQ(CountHeads(), 1);

  // After the case moved on, the replay still answers what r1 stored.
  v1::Case second = MustSubmit(Update("market", "r2", first.case_id(), 1, "第二版", T0()));
  auto replay1 = store_->Submit(cmd);
  ASSERT_TRUE(replay1.ok()) << replay1.status();
  EXPECT_TRUE(replay1->replayed);
  EXPECT_TRUE(Same(replay1->stored, first));
  auto replay2 = store_->Submit(Update("market", "r2", first.case_id(), 1, "第二版", T0()));
  ASSERT_TRUE(replay2.ok()) << replay2.status();
  EXPECT_TRUE(replay2->replayed);
  EXPECT_TRUE(Same(replay2->stored, second));
  EXPECT_EQ(store_->Versions(first.case_id())->size(), 2u);
}

TEST_F(CaseStoreTest, RequestIdsArePerAgency) {
  v1::Case a = MustSubmit(Create("market", "same-id", "x"));
  auto b = store_->Submit(Create("emergency", "same-id", "x"));
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_FALSE(b->replayed);
  EXPECT_NE(b->stored.case_id(), a.case_id());
  EXPECT_EQ(b->stored.owner_agency(), "emergency");
  EXPECT_EQ(CountHeads(), 2);
}

TEST_F(CaseStoreTest, ReusedRequestIdWithOtherDigestIsAlreadyExists) {
  v1::Case first = MustSubmit(Create("market", "r1", "one"));
  SubmitCommand other = Create("market", "r1", "two");
  ASSERT_NE(other.request_digest, Create("market", "r1", "one").request_digest);
  auto out = store_->Submit(other);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kAlreadyExists) << out.status();
  EXPECT_THAT(out.status().message(), HasSubstr("r1"));
  EXPECT_EQ(CountHeads(), 1);
  // Also when reused for a new version of the case.
  auto up = store_->Submit(Update("market", "r1", first.case_id(), 1, "three", T0()));
  ASSERT_FALSE(up.ok());
  EXPECT_EQ(up.status().code(), absl::StatusCode::kAlreadyExists) << up.status();
  EXPECT_EQ(store_->Versions(first.case_id())->size(), 1u);
}

TEST_F(CaseStoreTest, CheckCurrentErrorAbortsAndWritesNothing) {
  v1::Case c1 = MustSubmit(Create("market", "r1", "v1"));
  SubmitCommand up = Update("psb", "r2", c1.case_id(), 1, "hijack", T0());
  int calls = 0;
  v1::Case seen;
  up.check_current = [&](const v1::Case& current) {
    ++calls;
    seen = current;
    return absl::PermissionDeniedError("not the owner");
  };
  auto out = store_->Submit(up);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(out.status().message(), "not the owner");
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(Same(seen, c1));
  EXPECT_EQ(store_->Versions(c1.case_id())->size(), 1u);
  EXPECT_TRUE(Same(*store_->Get(c1.case_id(), 0), c1));
  // r2 of psb was not recorded.
  up.check_current = [](const v1::Case&) { return absl::OkStatus(); };
  auto ok = store_->Submit(up);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_FALSE(ok->replayed);
  EXPECT_EQ(ok->stored.version(), 2);
}

TEST_F(CaseStoreTest, AttachErrorAbortsAndWritesNothing) {
  SubmitCommand cmd = Create("market", "r1", "v1");
  int calls = 0;
  cmd.attach = [&](const v1::Case& next, CommitRequest* commit) {
    ++calls;
    EXPECT_EQ(next.version(), 1);
    EXPECT_EQ(next.owner_agency(), "market");
    EXPECT_GE(commit->puts.size(), 3u);  // version, head, request record (+ index keys)
    return absl::ResourceExhaustedError("audit log full");
  };
  auto out = store_->Submit(cmd);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(CountHeads(), 0);
  cmd.attach = nullptr;
  auto ok = store_->Submit(cmd);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_FALSE(ok->replayed);
}

TEST_F(CaseStoreTest, AttachedPutsAreWrittenWithTheCase) {
  SubmitCommand cmd = Create("market", "r1", "v1");
  cmd.attach = [](const v1::Case& next, CommitRequest* commit) {
    commit->puts.push_back({Table::kCaseLinks, next.case_id() + std::string("\0psb", 4), "x"});
    return absl::OkStatus();
  };
  v1::Case c = MustSubmit(cmd);
  std::string v;
  ASSERT_TRUE(storage::RawDb(db_)->Get(rocksdb::ReadOptions(), db_->cf(Table::kCaseLinks),
                             c.case_id() + std::string("\0psb", 4), &v).ok());
  EXPECT_EQ(v, "x");
}

TEST_F(CaseStoreTest, FailedCommitWritesNothing) {
  v1::Case c1 = MustSubmit(Create("market", "r1", "v1"));
  pipeline_->InjectFailureForTest(absl::UnavailableError("disk gone"));
  auto create = store_->Submit(Create("market", "r2", "new"));
  ASSERT_FALSE(create.ok());
  EXPECT_EQ(create.status().code(), absl::StatusCode::kUnavailable) << create.status();
  auto update = store_->Submit(Update("market", "r3", c1.case_id(), 1, "v2", T0()));
  ASSERT_FALSE(update.ok());
  pipeline_->InjectFailureForTest(absl::OkStatus());
  EXPECT_EQ(CountHeads(), 1);
  EXPECT_EQ(store_->Versions(c1.case_id())->size(), 1u);
  EXPECT_TRUE(Same(*store_->Get(c1.case_id(), 0), c1));
  // Neither request id was recorded.
  auto again = store_->Submit(Update("market", "r3", c1.case_id(), 1, "v2", T0()));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->replayed);
  EXPECT_EQ(again->stored.version(), 2);
}

TEST_F(CaseStoreTest, BatchStoresEveryAcceptedItemInOneCommitAndRefusesOthersAlone) {
  v1::Case existing = MustSubmit(Create("market", "r0", "v1"));
  std::vector<SubmitCommand> cmds = {
      Create("market", "b1", "new one"),
      Update("market", "b2", existing.case_id(), 5, "stale", T0()),  // wrong version
      Create("market", "b3", "new two"),
      Create("market", "r0", "v1"),  // a replay of the first submission
  };
  int attached = -1;
  std::vector<std::string> replayed_ids;
  auto out = store_->SubmitBatch(cmds, [&](const std::vector<const v1::Case*>& written,
                                           const std::vector<const v1::Case*>& replayed, CommitRequest* commit) {
    attached = static_cast<int>(written.size());
    for (const v1::Case* c : replayed) replayed_ids.push_back(c->case_id());
    commit->puts.push_back({Table::kMeta, "batch-marker", "x"});
    return absl::OkStatus();
  });
  ASSERT_EQ(out.size(), 4u);
  ASSERT_TRUE(out[0].ok()) << out[0].status();
  EXPECT_EQ(out[1].status().code(), absl::StatusCode::kFailedPrecondition) << out[1].status();
  ASSERT_TRUE(out[2].ok()) << out[2].status();
  ASSERT_TRUE(out[3].ok()) << out[3].status();
  EXPECT_TRUE(out[3]->replayed);
  EXPECT_TRUE(Same(out[3]->stored, existing));
  EXPECT_EQ(attached, 2);  // only the two new cases, not the refused or replayed item
  EXPECT_EQ(replayed_ids, std::vector<std::string>{existing.case_id()}) << "the replay is named apart";
  EXPECT_EQ(CountHeads(), 3);
  EXPECT_TRUE(Same(*store_->Get(out[0]->stored.case_id(), 0), out[0]->stored));
  EXPECT_EQ(store_->Versions(existing.case_id())->size(), 1u);
  std::string marker;
  EXPECT_TRUE(storage::RawDb(db_)->Get(rocksdb::ReadOptions(), db_->cf(Table::kMeta), "batch-marker", &marker).ok());
}

TEST_F(CaseStoreTest, BatchRefusesASecondChangeOfTheSameCase) {
  v1::Case c = MustSubmit(Create("market", "r0", "v1"));
  auto out = store_->SubmitBatch({Update("market", "u1", c.case_id(), 1, "v2", T0()),
                                  Update("market", "u2", c.case_id(), 1, "v2 again", T0())},
                                 nullptr);
  ASSERT_TRUE(out[0].ok()) << out[0].status();
  EXPECT_EQ(out[1].status().code(), absl::StatusCode::kFailedPrecondition) << out[1].status();
  EXPECT_THAT(std::string(out[1].status().message()), HasSubstr("twice in this batch"));
  EXPECT_EQ(store_->Versions(c.case_id())->size(), 2u);
}

TEST_F(CaseStoreTest, FailedBatchCommitFailsEveryWriterAndStoresNothing) {
  pipeline_->InjectFailureForTest(absl::UnavailableError("disk gone"));
  auto out = store_->SubmitBatch({Create("market", "b1", "one"), Create("market", "b2", "two")}, nullptr);
  pipeline_->InjectFailureForTest(absl::OkStatus());
  for (const auto& o : out) EXPECT_EQ(o.status().code(), absl::StatusCode::kUnavailable) << o.status();
  EXPECT_EQ(CountHeads(), 0);
  // The request ids were not recorded: a retry stores.
  auto again = store_->SubmitBatch({Create("market", "b1", "one")}, nullptr);
  ASSERT_TRUE(again[0].ok()) << again[0].status();
  EXPECT_FALSE(again[0]->replayed);
}

TEST_F(CaseStoreTest, VersionsAreOldestFirstAndNeverChange) {
  std::vector<v1::Case> stored;
  stored.push_back(MustSubmit(Create("market", "r0", "title-0")));
  const std::string id = stored[0].case_id();
  // A second case whose id sorts next to it must not leak into the history.
  MustSubmit(Create("market", "other", "other"));
  for (int v = 1; v < 12; ++v) {
    stored.push_back(MustSubmit(Update("market", absl::StrCat("r", v), id, v,
                                       absl::StrCat("title-", v), T0() + absl::Seconds(v))));
  }
  auto versions = store_->Versions(id);
  ASSERT_TRUE(versions.ok()) << versions.status();
  ASSERT_EQ(versions->size(), stored.size());
  for (size_t i = 0; i < stored.size(); ++i) {
    EXPECT_EQ((*versions)[i].version(), static_cast<int64_t>(i + 1));
    EXPECT_TRUE(Same((*versions)[i], stored[i])) << "version " << i + 1;
    auto got = store_->Get(id, static_cast<int64_t>(i + 1));
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_TRUE(Same(*got, stored[i])) << "version " << i + 1;
  }
  auto missing = store_->Get(id, 13);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("13"));
}

// The raw keys of one case's history, in order.
std::vector<std::string> HistoryKeys(const Database& db, const std::string& case_id) {
  std::vector<std::string> keys;
  const std::string prefix = case_id + std::string(1, '\0');
  std::unique_ptr<rocksdb::Iterator> it(
      RawDb(db)->NewIterator(rocksdb::ReadOptions(), db.cf(Table::kCaseVersions)));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) keys.push_back(it->key().ToString());
  return keys;
}

std::string RawGet(const Database& db, Table t, const std::string& key) {
  std::string v;
  rocksdb::Status s = RawDb(db)->Get(rocksdb::ReadOptions(), db.cf(t), key, &v);
  return s.ok() ? v : "<" + s.ToString() + ">";
}

TEST_F(CaseStoreTest, EachVersionIsStoredOnceTheLatestAsTheHead) {
  const v1::Case v1 = MustSubmit(Create("market", "r1", "first"));
  const std::string id = v1.case_id();
  // A new case is written once: as its head, with no history yet.
  EXPECT_TRUE(HistoryKeys(*db_, id).empty());
  EXPECT_EQ(RawGet(*db_, Table::kCaseHeads, id), v1.SerializeAsString());

  const v1::Case v2 = MustSubmit(Update("market", "r2", id, 1, "second", T0() + absl::Seconds(1)));
  const v1::Case v3 = MustSubmit(Update("market", "r3", id, 2, "third", T0() + absl::Seconds(2)));
  // Each superseded version moved into the history byte for byte.
  EXPECT_THAT(HistoryKeys(*db_, id), ::testing::ElementsAre(CaseVersionKey(id, 1), CaseVersionKey(id, 2)));
  EXPECT_EQ(RawGet(*db_, Table::kCaseVersions, CaseVersionKey(id, 1)), v1.SerializeAsString());
  EXPECT_EQ(RawGet(*db_, Table::kCaseVersions, CaseVersionKey(id, 2)), v2.SerializeAsString());
  EXPECT_EQ(RawGet(*db_, Table::kCaseHeads, id), v3.SerializeAsString());

  auto latest = store_->Get(id, 3);
  ASSERT_TRUE(latest.ok()) << latest.status();
  EXPECT_TRUE(Same(*latest, v3));
  auto versions = store_->Versions(id);
  ASSERT_TRUE(versions.ok()) << versions.status();
  ASSERT_EQ(versions->size(), 3u);
  EXPECT_TRUE(Same((*versions)[2], v3));
  EXPECT_EQ(store_->Get(id, 4).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->Get(id, -1).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CaseStoreTest, ADatabaseOfTheOlderLayoutReadsTheSameAndIsNeverRewritten) {
  // Before the head held the only copy, the latest version was also in the
  // history: plant that, as such a database has it. The planted bytes carry
  // an unknown field (999) the head's do not, so a rewrite would show.
  const v1::Case v1 = MustSubmit(Create("market", "r1", "first"));
  const std::string id = v1.case_id();
  const std::string planted = v1.SerializeAsString() + std::string("\xb8\x3e\x01", 3);
  ASSERT_TRUE(RawDb(*db_)
                  ->Put(Database::DurableWrite(), db_->cf(Table::kCaseVersions), CaseVersionKey(id, 1), planted)
                  .ok());
  auto versions = store_->Versions(id);
  ASSERT_TRUE(versions.ok()) << versions.status();
  ASSERT_EQ(versions->size(), 1u);  // not twice
  EXPECT_EQ((*versions)[0].version(), 1);

  // The next version leaves version 1 as the history has it.
  const v1::Case v2 = MustSubmit(Update("market", "r2", id, 1, "second", T0() + absl::Seconds(1)));
  EXPECT_THAT(HistoryKeys(*db_, id), ::testing::ElementsAre(CaseVersionKey(id, 1)));
  EXPECT_EQ(RawGet(*db_, Table::kCaseVersions, CaseVersionKey(id, 1)), planted);
  versions = store_->Versions(id);
  ASSERT_TRUE(versions.ok()) << versions.status();
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].version(), 1);
  EXPECT_TRUE(Same((*versions)[1], v2));
  // And the version after moves v2 into the history as usual.
  MustSubmit(Update("market", "r3", id, 2, "third", T0() + absl::Seconds(2)));
  EXPECT_THAT(HistoryKeys(*db_, id), ::testing::ElementsAre(CaseVersionKey(id, 1), CaseVersionKey(id, 2)));
  EXPECT_EQ(RawGet(*db_, Table::kCaseVersions, CaseVersionKey(id, 2)), v2.SerializeAsString());
}

// The ids ForEachLatestDated visits for [from, to).
std::vector<std::string> Dated(const CaseStore& store, const std::string& from, const std::string& to) {
  std::vector<std::string> ids;
  absl::Status s = store.ForEachLatestDated(from, to, [&](const v1::Case& c) {
    ids.push_back(c.case_id());
    return true;
  });
  EXPECT_TRUE(s.ok()) << s;
  std::sort(ids.begin(), ids.end());  // the order depends on the path taken
  return ids;
}

int CountKeys(const Database& db, Table t) {
  std::unique_ptr<rocksdb::Iterator> it(RawDb(db)->NewIterator(rocksdb::ReadOptions(), db.cf(t)));
  int n = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
  return n;
}

TEST_F(CaseStoreTest, TheDateIndexFilesEachCaseByItsDecisionElseItsDayOfCreation) {
  ASSERT_TRUE(store_->EnsureDateIndex().ok());
  EXPECT_TRUE(store_->dates_ready());
  // T0 is 2024-03-01 in the district's zone (2024-02-29 in UTC).
  const v1::Case a = MustSubmit(Create("market", "a", "a"));
  SubmitCommand decided = Create("market", "b", "b");
  decided.content.mutable_penalty()->set_decision_date("2024-05-20");
  const v1::Case b = MustSubmit(decided);
  EXPECT_EQ(Dated(*store_, "2024-03-01", "2024-03-02"), std::vector<std::string>{a.case_id()});
  EXPECT_TRUE(Dated(*store_, "2024-02-29", "2024-03-01").empty());
  EXPECT_EQ(Dated(*store_, "2024-05-20", "2024-05-21"), std::vector<std::string>{b.case_id()});
  std::vector<std::string> both = {a.case_id(), b.case_id()};
  std::sort(both.begin(), both.end());
  EXPECT_EQ(Dated(*store_, "2024-01-01", "2025-01-01"), both);
  EXPECT_TRUE(Dated(*store_, "2024-05-21", "2024-05-20").empty());

  // A decision recorded later moves the case; one key per case, no stale key.
  SubmitCommand decide_a = Update("market", "a2", a.case_id(), 1, "a", T0() + absl::Hours(1));
  decide_a.content.mutable_penalty()->set_decision_date("2024-04-02");
  MustSubmit(decide_a);
  EXPECT_TRUE(Dated(*store_, "2024-03-01", "2024-03-02").empty());
  EXPECT_EQ(Dated(*store_, "2024-04-01", "2024-05-01"), std::vector<std::string>{a.case_id()});
  EXPECT_EQ(CountKeys(*db_, Table::kCaseDates), 2);
  // An update that keeps the date keeps the key.
  SubmitCommand again = Update("market", "a3", a.case_id(), 2, "a again", T0() + absl::Hours(2));
  again.content.mutable_penalty()->set_decision_date("2024-04-02");
  MustSubmit(again);
  EXPECT_EQ(CountKeys(*db_, Table::kCaseDates), 2);
  EXPECT_EQ(Dated(*store_, "2024-04-02", "2024-04-03"), std::vector<std::string>{a.case_id()});

  // Stopping early stops.
  int seen = 0;
  ASSERT_TRUE(store_->ForEachLatestDated("2024-01-01", "2025-01-01", [&](const v1::Case&) {
    ++seen;
    return false;
  }).ok());
  EXPECT_EQ(seen, 1);
}

TEST_F(CaseStoreTest, AShortPeriodIsReadThroughTheDateIndexALongOneByAScan) {
  // 60 cases, one a day from 2024-03-01. The case of 2024-03-31 loses its
  // head behind the store's back: only a walk through the index meets its
  // key and says so; a scan of the heads does not see it at all.
  std::vector<std::string> ids;
  for (int i = 0; i < 60; ++i) {
    ids.push_back(MustSubmit(Create("market", absl::StrCat("r", i), "t", T0() + absl::Hours(24 * i))).case_id());
  }
  ASSERT_TRUE(RawDb(*db_)->Delete(rocksdb::WriteOptions(), db_->cf(Table::kCaseHeads), ids[30]).ok());
  // The choice rests on RocksDB's size estimates; a memtable's are sampled
  // (a day's range of 60 keys was now and then estimated above a quarter,
  // ~1 run in 15), a table file's are not: flushed, the test is exact.
  ASSERT_TRUE(RawDb(*db_)->Flush(rocksdb::FlushOptions(), db_->cf(Table::kCaseDates)).ok());
  absl::Status through_index = store_->ForEachLatestDated("2024-03-31", "2024-04-01", [](const v1::Case&) {
    return true;
  });
  EXPECT_EQ(through_index.code(), absl::StatusCode::kDataLoss) << through_index;
  EXPECT_THAT(through_index.message(), HasSubstr(ids[30]));
  EXPECT_EQ(Dated(*store_, "2024-03-05", "2024-03-07").size(), 2u);
  // Every date: a scan (the missing head is simply not there).
  EXPECT_EQ(Dated(*store_, "2024-01-01", "2025-01-01").size(), 59u);
}

TEST_F(CaseStoreTest, TheDateIndexIsBuiltForADatabaseWithoutItAndAnewInAnotherZone) {
  const v1::Case a = MustSubmit(Create("market", "a", "a"));
  const v1::Case b = MustSubmit(Create("market", "b", "b", T0() + absl::Hours(24)));
  // A database of the version before the index: no keys, no marker.
  std::unique_ptr<rocksdb::Iterator> it(RawDb(*db_)->NewIterator(rocksdb::ReadOptions(), db_->cf(Table::kCaseDates)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ASSERT_TRUE(RawDb(*db_)->Delete(rocksdb::WriteOptions(), db_->cf(Table::kCaseDates), it->key()).ok());
  }
  it.reset();
  ASSERT_EQ(CountKeys(*db_, Table::kCaseDates), 0);
  EXPECT_FALSE(store_->dates_ready());
  ASSERT_TRUE(store_->EnsureDateIndex().ok());
  EXPECT_TRUE(store_->dates_ready());
  EXPECT_EQ(Dated(*store_, "2024-03-01", "2024-03-02"), std::vector<std::string>{a.case_id()});
  EXPECT_EQ(Dated(*store_, "2024-03-02", "2024-03-03"), std::vector<std::string>{b.case_id()});

  // A rebuild interrupted after its first batch leaves no zone in the
  // marker: the next start builds again, even in the old index's zone.
  std::string marker;
  ASSERT_TRUE(RawDb(*db_)->Get(rocksdb::ReadOptions(), db_->cf(Table::kMeta), kCaseDatesZoneKey, &marker).ok());
  EXPECT_EQ(marker, store_->date_zone());
  ASSERT_TRUE(RawDb(*db_)->Put(rocksdb::WriteOptions(), db_->cf(Table::kMeta), kCaseDatesZoneKey, "").ok());
  ASSERT_TRUE(RawDb(*db_)->Delete(rocksdb::WriteOptions(), db_->cf(Table::kCaseDates),
                                  CaseDateKey("2024-03-02", b.case_id())).ok());
  CaseStore again(db_.get(), pipeline_.get());
  ASSERT_TRUE(again.EnsureDateIndex().ok());
  EXPECT_EQ(Dated(again, "2024-03-02", "2024-03-03"), std::vector<std::string>{b.case_id()});

  // In UTC, T0 is 2024-02-29: the index is rebuilt for the zone, stale keys gone.
  CaseStore utc(db_.get(), pipeline_.get(), "", absl::UTCTimeZone());
  ASSERT_TRUE(utc.EnsureDateIndex().ok());
  EXPECT_EQ(utc.date_zone(), "UTC");
  EXPECT_EQ(Dated(utc, "2024-02-29", "2024-03-01"), std::vector<std::string>{a.case_id()});
  EXPECT_EQ(Dated(utc, "2024-03-01", "2024-03-02"), std::vector<std::string>{b.case_id()});
  EXPECT_EQ(CountKeys(*db_, Table::kCaseDates), 2);
}

// A caselinkd of format 1 writes cases without date keys (it predates the
// index) even after this version built it. Opening such a database records
// format 2 and clears the index's marker in one batch, so the index is rebuilt
// once and the case that format 1 wrote is found; the marker stays cleared
// across a crash before the rebuild (the format is already 2 then).
TEST_F(CaseStoreTest, AFormatOneDatabaseHasItsDateIndexRebuiltOnOpen) {
  ASSERT_TRUE(store_->EnsureDateIndex().ok());
  const v1::Case a = MustSubmit(Create("market", "a", "a"));
  const v1::Case b = MustSubmit(Create("market", "b", "b", T0() + absl::Hours(24)));
  ASSERT_EQ(Dated(*store_, "2024-03-02", "2024-03-03"), std::vector<std::string>{b.case_id()});
  // As a format-1 caselinkd leaves it: b is not in the index, the marker
  // still names the zone, the format is 1.
  ASSERT_TRUE(RawDb(*db_)->Delete(rocksdb::WriteOptions(), db_->cf(Table::kCaseDates),
                                  CaseDateKey("2024-03-02", b.case_id())).ok());
  ASSERT_TRUE(RawDb(*db_)->Put(rocksdb::WriteOptions(), db_->cf(Table::kMeta), "format_version", "1").ok());
  Reopen();
  std::string format, marker;
  ASSERT_TRUE(RawDb(*db_)->Get(rocksdb::ReadOptions(), db_->cf(Table::kMeta), "format_version", &format).ok());
  EXPECT_EQ(format, "2");
  EXPECT_TRUE(RawDb(*db_)->Get(rocksdb::ReadOptions(), db_->cf(Table::kMeta), kCaseDatesZoneKey, &marker).IsNotFound());
  Reopen();  // a crash before the rebuild: still rebuilt at the next start
  EXPECT_FALSE(store_->dates_ready());
  ASSERT_TRUE(store_->EnsureDateIndex().ok());
  EXPECT_EQ(Dated(*store_, "2024-03-01", "2024-03-02"), std::vector<std::string>{a.case_id()});
  EXPECT_EQ(Dated(*store_, "2024-03-02", "2024-03-03"), std::vector<std::string>{b.case_id()});
}

class CaseStoreListTest : public CaseStoreTest {
 protected:
  void SetUp() override {
    CaseStoreTest::SetUp();
    for (int i = 0; i < 10; ++i) {
      v1::Case c = MustSubmit(Create("market", absl::StrCat("r", i), absl::StrCat("t", i), T0(),
                                     i % 2 == 0 ? v1::WORK_SAFETY : v1::MARKET_ORDER));
      ids_.push_back(c.case_id());
      domain_[c.case_id()] = c.domain();
    }
    std::sort(ids_.begin(), ids_.end());
  }

  static std::vector<std::string> Ids(const ListPage& p) {
    std::vector<std::string> out;
    for (const auto& c : p.cases) out.push_back(c.case_id());
    return out;
  }
  std::vector<std::string> Slice(int from, int to) const {
    return std::vector<std::string>(ids_.begin() + from, ids_.begin() + to);
  }

  std::vector<std::string> ids_;
  std::map<std::string, v1::Domain> domain_;
};

TEST_F(CaseStoreListTest, PagesInIdOrderWithMoreAndResumeAfter) {
  ListQuery q;
  q.limit = 3;
  std::vector<std::string> seen;
  std::vector<bool> mores;
  for (int page_no = 0; page_no < 10; ++page_no) {
    auto page = store_->List(q);
    ASSERT_TRUE(page.ok()) << page.status();
    std::vector<std::string> got = Ids(*page);
    seen.insert(seen.end(), got.begin(), got.end());
    mores.push_back(page->more);
    if (!got.empty()) {
      EXPECT_EQ(page->resume_after, got.back());
    }
    if (!page->more) break;
    q.start_after = page->resume_after;
  }
  EXPECT_EQ(seen, ids_);
  EXPECT_EQ(mores, (std::vector<bool>{true, true, true, false}));
}

TEST_F(CaseStoreListTest, LastFullPageHasNoMore) {
  ListQuery q;
  q.start_after = ids_[6];
  q.limit = 3;
  auto page = store_->List(q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Ids(*page), Slice(7, 10));
  EXPECT_FALSE(page->more);
  EXPECT_EQ(page->resume_after, ids_[9]);
}

TEST_F(CaseStoreListTest, StartAfterIsExclusiveAndNeedNotExist) {
  ListQuery q;
  q.limit = 100;
  q.start_after = ids_[4];
  auto page = store_->List(q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Ids(*page), Slice(5, 10));
  EXPECT_FALSE(page->more);
  // A bound that is no case id: between ids_[4] and ids_[5].
  q.start_after = ids_[4] + "!";
  page = store_->List(q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Ids(*page), Slice(5, 10));
  // Past the end.
  q.start_after = "D";
  page = store_->List(q);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->cases.empty());
  EXPECT_FALSE(page->more);
}

TEST_F(CaseStoreListTest, FilterSkipsRowsAndLimitCountsMatches) {
  ListQuery q;
  q.limit = 2;
  q.filter = [](const v1::Case& c) { return c.domain() == v1::WORK_SAFETY; };
  std::vector<std::string> want;
  for (const auto& id : ids_)
    if (domain_[id] == v1::WORK_SAFETY) want.push_back(id);
  ASSERT_EQ(want.size(), 5u);
  std::vector<std::string> seen;
  for (int i = 0; i < 10; ++i) {
    auto page = store_->List(q);
    ASSERT_TRUE(page.ok());
    EXPECT_LE(page->cases.size(), 2u);
    for (const auto& c : page->cases) EXPECT_EQ(c.domain(), v1::WORK_SAFETY);
    auto got = Ids(*page);
    seen.insert(seen.end(), got.begin(), got.end());
    if (!page->more) break;
    q.start_after = page->resume_after;
  }
  EXPECT_EQ(seen, want);
}

TEST_F(CaseStoreListTest, ScanBudgetEndsThePageEarly) {
  ListQuery q;
  q.limit = 50;
  q.scan_budget = 4;
  q.filter = [](const v1::Case&) { return false; };
  auto page = store_->List(q);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->cases.empty());
  EXPECT_TRUE(page->more);
  EXPECT_EQ(page->resume_after, ids_[3]);
  // Resuming walks on from where the budget stopped.
  q.start_after = page->resume_after;
  page = store_->List(q);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->more);
  EXPECT_EQ(page->resume_after, ids_[7]);
  q.start_after = page->resume_after;
  page = store_->List(q);
  ASSERT_TRUE(page.ok());
  EXPECT_FALSE(page->more);
  EXPECT_EQ(page->resume_after, ids_[9]);

  // With a budget, matches found so far are returned.
  ListQuery m;
  m.scan_budget = 3;
  m.filter = [](const v1::Case&) { return true; };
  page = store_->List(m);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Ids(*page), Slice(0, 3));
  EXPECT_TRUE(page->more);
}

TEST_F(CaseStoreListTest, ListShowsTheLatestVersion) {
  MustSubmit(Update("market", "u1", ids_[2], 1, "newer", T0()));
  ListQuery q;
  q.start_after = ids_[1];
  q.limit = 1;
  auto page = store_->List(q);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->cases.size(), 1u);
  EXPECT_EQ(page->cases[0].case_id(), ids_[2]);
  EXPECT_EQ(page->cases[0].version(), 2);
  EXPECT_EQ(page->cases[0].title(), "newer");
}

TEST_F(CaseStoreTest, ConcurrentVersionsOfOneCaseNeverCollide) {
  const v1::Case c1 = MustSubmit(Create("market", "create", "v1"));
  const std::string id = c1.case_id();
  constexpr int kThreads = 8;
  constexpr int kAttempts = 15;
  std::mutex mu;
  std::map<int64_t, std::string> won;  // version -> title of the winner
  std::vector<std::string> duplicates, unexpected;
  std::atomic<int> successes{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int a = 0; a < kAttempts; ++a) {
        auto head = store_->Get(id, 0);
        if (!head.ok()) {
          std::lock_guard<std::mutex> l(mu);
          unexpected.push_back(head.status().ToString());
          continue;
        }
        const std::string title = absl::StrCat("t", t, "-a", a);
        auto out = store_->Submit(Update("market", absl::StrCat("req-", t, "-", a), id,
                                         head->version(), title, T0()));
        std::lock_guard<std::mutex> l(mu);
        if (out.ok()) {
          ++successes;
          if (out->replayed) unexpected.push_back("replayed " + title);
          if (out->stored.version() != head->version() + 1)
            unexpected.push_back(absl::StrCat("version ", out->stored.version(), " after ",
                                              head->version()));
          if (!won.emplace(out->stored.version(), title).second)
            duplicates.push_back(absl::StrCat(out->stored.version()));
        } else if (out.status().code() != absl::StatusCode::kFailedPrecondition &&
                   out.status().code() != absl::StatusCode::kAborted) {
          unexpected.push_back(out.status().ToString());
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_THAT(duplicates, ::testing::IsEmpty());
  EXPECT_THAT(unexpected, ::testing::IsEmpty());
  ASSERT_GT(successes.load(), 0);
  auto versions = store_->Versions(id);
  ASSERT_TRUE(versions.ok()) << versions.status();
  ASSERT_EQ(static_cast<int>(versions->size()), 1 + successes.load());
  for (size_t i = 0; i < versions->size(); ++i) {
    const int64_t v = static_cast<int64_t>(i + 1);
    EXPECT_EQ((*versions)[i].version(), v);
    if (v > 1) {
      ASSERT_EQ(won.count(v), 1u) << "version " << v << " has no successful submitter";
      EXPECT_EQ((*versions)[i].title(), won[v]);
    }
  }
  EXPECT_EQ(store_->Get(id, 0)->version(), 1 + successes.load());
}

TEST_F(CaseStoreTest, ConcurrentCreatesGetDistinctIds) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  std::mutex mu;
  std::set<std::string> ids;
  std::vector<std::string> errors;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto out = store_->Submit(Create(absl::StrCat("agency", t % 3), absl::StrCat("c-", t, "-", i),
                                         absl::StrCat("case ", t, "/", i)));
        std::lock_guard<std::mutex> l(mu);
        if (!out.ok()) {
          errors.push_back(out.status().ToString());
        } else {
          ids.insert(out->stored.case_id());
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_THAT(errors, ::testing::IsEmpty());
  EXPECT_EQ(ids.size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(CountHeads(), kThreads * kPerThread);
}

TEST_F(CaseStoreTest, DataSurvivesReopen) {
  SubmitCommand create = Create("market", "r1", "v1");
  v1::Case c1 = MustSubmit(create);
  v1::Case c2 = MustSubmit(Update("market", "r2", c1.case_id(), 1, "v2", T0() + absl::Hours(2)));
  v1::Case other = MustSubmit(Create("emergency", "r1", "other"));
  Reopen();
  auto versions = store_->Versions(c1.case_id());
  ASSERT_TRUE(versions.ok()) << versions.status();
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_TRUE(Same((*versions)[0], c1));
  EXPECT_TRUE(Same((*versions)[1], c2));
  EXPECT_TRUE(Same(*store_->Get(c1.case_id(), 0), c2));
  EXPECT_TRUE(Same(*store_->Get(other.case_id(), 0), other));
  EXPECT_EQ(CountHeads(), 2);
  // Idempotency records survive too.
  auto replay = store_->Submit(create);
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_TRUE(replay->replayed);
  EXPECT_TRUE(Same(replay->stored, c1));
  // And versioning continues where it was.
  v1::Case c3 = MustSubmit(Update("market", "r3", c1.case_id(), 2, "v3", T0()));
  EXPECT_EQ(c3.version(), 3);
}

}  // namespace
}  // namespace caselink::storage
