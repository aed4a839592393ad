// Admission control of the access log, on the AccessLogger over a real
// RocksDB: what an entry copies from a request is cleaned and cut with a
// visible marker; a refused call is logged compactly; per certificate only a
// budget of refusals is logged one by one and the rest become one summary
// entry with their count and period (nothing vanishes); a full disk gives
// UNAVAILABLE saying so, the storage-full metric, and keeps what was
// acknowledged before.
#include "support/raw_db.h"
#include <algorithm>
#include <atomic>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/core/access_logger.h"
#include "server/core/log_field.h"
#include "server/core/refusal_limiter.h"
#include "server/core/service_context.h"
#include "server/core/unary_call.h"
#include "storage/commit_pipeline.h"
#include "storage/database.h"
#include "support/fault_injection_fs.h"
#include "support/temp_dir.h"

namespace caselink::server {
namespace {

using ::caselink::testing::Fault;
using ::caselink::testing::FaultInjectionEnv;
using ::caselink::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

size_t Utf8Chars(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

TEST(LogFieldTest, CutsLongValuesAtACharacterWithAVisibleMarker) {
  const std::string purpose = Repeat("核查", 3000);  // 6000 characters, 18000 bytes
  const std::string logged = LogField(purpose, 100);
  EXPECT_EQ(logged.substr(0, 300), purpose.substr(0, 300));
  EXPECT_THAT(logged, HasSubstr("…[truncated: 18000 bytes in all]"));
  EXPECT_LT(logged.size(), 400u);
  EXPECT_EQ(LogField("核查线索", 100), "核查线索");  // short values are kept as they are
  EXPECT_EQ(LogField("", 100), "");
}

TEST(LogFieldTest, ReplacesInvalidUtf8AndControlCharacters) {
  const std::string bad = std::string("a\xff") + "b\x01\n" + "\xe6\xa0" + "c";
  const std::string logged = LogField(bad, 100);
  EXPECT_EQ(logged, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "c");
  // Each replaced byte counts as one character of the budget.
  EXPECT_THAT(LogField(std::string(500, '\x07'), 10), HasSubstr("[truncated: 500 bytes in all]"));
}

TEST(LogTextTest, IdentifiersInACallersTextAreMaskedAndTheirPartiesNamed) {
  std::vector<std::string> ids;
  EXPECT_EQ(LogText("核查张三510181198503121235、电话13812345678", 1000, &ids),
            "核查张三510***********1235、电话138****5678");
  // The identity number names a party (an HMAC in the entry); a phone does not.
  EXPECT_EQ(ids, std::vector<std::string>{"510181198503121235"});
  // Masked before the cut: a number at the cut is not half kept.
  ids.clear();
  const std::string logged = LogText(Repeat("核", 95) + "510181198503121235", 100, &ids);
  EXPECT_THAT(logged, Not(HasSubstr("51018119")));
  EXPECT_THAT(logged, HasSubstr("[truncated: "));
  EXPECT_EQ(ids, std::vector<std::string>{"510181198503121235"});
  ids.clear();
  EXPECT_EQ(LogText("核查线索", 1000, &ids), "核查线索");
  EXPECT_TRUE(ids.empty());
}

TEST(LogIdTest, AnIdOfTheServersShapeIsKeptAndAnythingElseIsReadAsText) {
  std::vector<std::string> ids;
  // Its date and random part joined over the "-" make 16 Luhn-valid digits:
  // read as text it would be masked as a card number, and WhoRead for the
  // case would no longer find the entry.
  const std::string card_like = "C20241204-38123451ABCD";
  ASSERT_NE(LogText(card_like, 64, &ids), card_like);
  EXPECT_EQ(LogId(card_like, 64, &ids), card_like);
  EXPECT_TRUE(ids.empty());
  // An identity number where an id goes is masked and names its party.
  EXPECT_EQ(LogId("510181198503121235", 64, &ids), "510***********1235");
  EXPECT_EQ(ids, std::vector<std::string>{"510181198503121235"});
  ids.clear();
  // The shape is exact: one character more, a lower-case letter or a
  // letter of the date and it is text.
  EXPECT_NE(LogId("C20241204-38123451ABCDE", 64, &ids), "C20241204-38123451ABCDE");
  EXPECT_NE(LogId("C20241204-38123451abcd", 64, &ids), "C20241204-38123451abcd");
  EXPECT_EQ(LogId("C2024120X-38123451ABCD", 64, &ids), "C2024120X-38123451ABCD");  // nothing to mask in it
  EXPECT_EQ(LogId("", 64, &ids), "");
  EXPECT_EQ(LogId("C1", 64, &ids), "C1");
  EXPECT_THAT(LogId(std::string(100, 'C'), 64, &ids), HasSubstr("[truncated: 100 bytes in all]"));
}

TEST(RefusalLimiterTest, LogsTheBudgetThenCountsAndSummarizesWhenTheWindowEnds) {
  RefusalLimiter limiter(3, absl::Minutes(1));
  const absl::Time t0 = absl::FromUnixSeconds(1700000000);
  std::vector<RefusalLimiter::Summary> due;
  int logged = 0;
  for (int i = 0; i < 10; ++i) logged += limiter.Admit("certA", "town-a", t0 + absl::Seconds(i), &due);
  EXPECT_EQ(logged, 3);
  EXPECT_TRUE(due.empty());
  EXPECT_TRUE(limiter.Admit("certB", "", t0, &due));  // budgets are per certificate
  EXPECT_TRUE(limiter.TakeDue(t0 + absl::Seconds(30), false).empty());  // window still open
  // The next refusal after the window: the old window's count is due, and a
  // new budget starts.
  EXPECT_TRUE(limiter.Admit("certA", "town-a", t0 + absl::Seconds(61), &due));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].cert, "certA");
  EXPECT_EQ(due[0].agency, "town-a");
  EXPECT_EQ(due[0].count, 7u);
  EXPECT_EQ(due[0].first, t0 + absl::Seconds(3));
  EXPECT_EQ(due[0].last, t0 + absl::Seconds(9));
  // At shutdown everything pending is handed out.
  for (int i = 0; i < 5; ++i) limiter.Admit("certA", "town-a", t0 + absl::Seconds(62), &due);
  auto all = limiter.TakeDue(t0 + absl::Seconds(63), true);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].count, 3u);
}

TEST(RefusalLimiterTest, AFullTableHandsOutEveryCountInsteadOfGrowing) {
  RefusalLimiter limiter(1, absl::Minutes(1), /*max_certs=*/2);
  const absl::Time t0 = absl::FromUnixSeconds(1700000000);
  std::vector<RefusalLimiter::Summary> due;
  for (const char* cert : {"a", "a", "b", "b", "b"}) limiter.Admit(cert, "", t0, &due);
  EXPECT_TRUE(due.empty());
  EXPECT_TRUE(limiter.Admit("c", "", t0, &due));
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].count + due[1].count, 3u);
}

// An AccessLogger over a pipeline on a fresh database, with a clock the
// test moves, and a reader of what it wrote.
class AccessLoggerTest : public ::testing::Test {
 protected:
  void Open(rocksdb::Env* env = nullptr, int refused_per_minute = 5) {
    auto db = storage::Database::Open(dir_.Join("db"), env);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    pipeline_ = std::make_unique<storage::CommitPipeline>(db_.get());
    logger_ = std::make_unique<AccessLogger>(
        pipeline_.get(), std::string(32, 'k'), [this] { return absl::FromUnixMicros(now_micros_); },
        /*sync_reads=*/false, refused_per_minute);
    // Once: the registry keeps what the first logger registered.
    if (!metrics_attached_) logger_->AttachMetrics(&registry_);
    metrics_attached_ = true;
  }
  void Close() {
    logger_.reset();
    pipeline_.reset();
    db_.reset();
  }

  std::vector<v1::AuditEntry> Entries() {
    std::vector<v1::AuditEntry> out;
    std::unique_ptr<rocksdb::Iterator> it(
        storage::RawDb(db_)->NewIterator(rocksdb::ReadOptions(), db_->cf(storage::Table::kAuditLog)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      v1::AuditEntry e;
      EXPECT_TRUE(e.ParseFromString(it->value().ToString()));
      out.push_back(std::move(e));
    }
    return out;
  }

  double Metric(const std::string& name, const std::string& label_value = "") {
    for (const auto& f : registry_.Snapshot()) {
      if (f.name != name) continue;
      for (const auto& s : f.samples) {
        if (label_value.empty() || (!s.labels.empty() && s.labels.begin()->second == label_value)) {
          return s.value;
        }
      }
    }
    return -1;
  }

  static AccessRecord Record(const std::string& cert, const std::string& agency) {
    AccessRecord r;
    r.method = "caselink.v1.CaseService/GetCase";
    r.cert_fingerprint = cert;
    r.agency_id = agency;
    r.requested_case_id = "C01HXXXXXXXXXXXXXXXXXXXXXX";
    r.purpose = "核查线索";
    return r;
  }

  TempDir dir_;
  FaultInjectionEnv fault_;  // outlives the database opened with it
  std::atomic<int64_t> now_micros_{1700000000LL * 1000000};
  metrics::Registry registry_;
  bool metrics_attached_ = false;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<storage::CommitPipeline> pipeline_;
  std::unique_ptr<AccessLogger> logger_;
};

TEST_F(AccessLoggerTest, RequestTextIsCutWithAMarkerBeforeItIsLogged) {
  Open();
  AccessRecord r = Record("certA", "psb");
  r.purpose = Repeat("为核查", 20000);              // 180000 bytes
  r.purpose_case_ref = std::string(100000, 'R');
  r.requested_case_id = std::string(100000, 'C');
  r.case_ids = {"C1"};
  ASSERT_TRUE(logger_->Log(r, absl::OkStatus()).ok());
  auto es = Entries();
  ASSERT_EQ(es.size(), 1u);
  EXPECT_THAT(es[0].purpose(), HasSubstr("[truncated: 180000 bytes in all]"));
  EXPECT_EQ(Utf8Chars(es[0].purpose().substr(0, es[0].purpose().find("…[truncated"))),
            kLoggedPurposeChars);
  EXPECT_THAT(es[0].purpose_case_ref(), HasSubstr("[truncated: 100000 bytes in all]"));
  EXPECT_THAT(es[0].requested_case_id(), HasSubstr("[truncated: 100000 bytes in all]"));
  EXPECT_LT(es[0].ByteSizeLong(), 4000u);
  EXPECT_THAT(es[0].case_ids(), ::testing::ElementsAre("C1"));
}

TEST_F(AccessLoggerTest, ARefusedCallIsLoggedCompactly) {
  Open();
  AccessRecord r = Record("certA", "town-a");
  r.purpose = std::string(5000, 'p');
  r.case_ids = {"C1", "C2"};  // would-be rows of a refused read: nothing was returned
  r.fields.full.insert("title");
  r.party_ids = {"510181198503121235"};
  r.searched_party_id = "510181198503121235";
  ASSERT_TRUE(logger_->Log(r, absl::PermissionDeniedError("no")).ok());
  auto es = Entries();
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].status_code(), 7);
  EXPECT_EQ(es[0].agency_id(), "town-a");
  EXPECT_TRUE(es[0].case_ids().empty());
  EXPECT_TRUE(es[0].fields_full().empty());
  EXPECT_TRUE(es[0].party_hmacs().empty());
  EXPECT_FALSE(es[0].searched_party_hmac().empty());  // who looked for whom stays
  EXPECT_THAT(es[0].purpose(), HasSubstr("[truncated: 5000 bytes in all]"));
  EXPECT_LT(es[0].ByteSizeLong(), 400u);
}

// A caller can put an identity number wherever the request names an id;
// the permanent entry masks it there too and names its party, so the
// party's PartyAccess finds the probe, answered or refused.
TEST_F(AccessLoggerTest, AnIdentityNumberWhereAnIdGoesIsMaskedAndNamesItsParty) {
  Open();
  const std::string person = "510181198503121235";
  const std::string other = "11010519491231002X";
  const std::string real = "C20241204-38123451ABCD";
  for (const absl::Status& outcome : {absl::NotFoundError("no such case"), absl::OkStatus()}) {
    AccessRecord r = Record("certA", "psb");
    r.requested_case_id = person;
    r.item_id = person;
    r.document_id = person;
    r.requested_case_ids = {real, other};
    ASSERT_TRUE(logger_->Log(r, outcome).ok());
  }
  auto es = Entries();
  ASSERT_EQ(es.size(), 2u);
  for (const v1::AuditEntry& e : es) {
    SCOPED_TRACE(e.status_code());
    EXPECT_THAT(e.DebugString(), Not(HasSubstr("51018119850312")));
    EXPECT_THAT(e.DebugString(), Not(HasSubstr("11010519491231")));
    EXPECT_EQ(e.requested_case_id(), "510***********1235");
    EXPECT_EQ(e.item_id(), "510***********1235");
    EXPECT_EQ(e.document_id(), "510***********1235");
    ASSERT_EQ(e.requested_case_ids_size(), 2);
    EXPECT_EQ(e.requested_case_ids(0), real);  // a case id of the server's shape stays what WhoRead asks
    EXPECT_EQ(e.requested_case_ids(1), "110***********002X");
    std::vector<std::string> want = {logger_->PartyHmac(person), logger_->PartyHmac(other)};
    std::sort(want.begin(), want.end());
    EXPECT_EQ(std::vector<std::string>(e.party_hmacs().begin(), e.party_hmacs().end()), want);
  }
}

// The logger builds each entry in its thread's reused message: a second
// entry on the same thread must carry nothing of the first (its cases,
// fields, parties, document), and equal what a fresh build gives.
TEST_F(AccessLoggerTest, AnEntryCarriesNothingOfThePreviousEntryOnItsThread) {
  Open();
  AccessRecord big = Record("certA", "psb");
  big.case_ids = {"C1", "C2", "C1"};
  for (const char* p : {"title", "facts", "parties.person.name"}) big.fields.full.insert(p);
  big.fields.masked.insert("parties.person.id_number");
  big.fields.withheld.insert("penalty.amount_fen");
  big.party_ids = {"510181198503121235", "91510100MA61R8XX1X", "510181198503121235"};
  big.searched_party_id = "510181198503121235";
  big.item_id = "I1";
  big.document_id = "D1";
  big.document_sha256 = std::string(32, 'h');
  big.document_offset = 7;
  big.document_bytes = 9;
  AccessRecord small = Record("certB", "market");
  small.case_ids = {"C9"};
  small.fields.full.insert("title");
  AccessRecord refused = Record("certC", "town-a");
  refused.purpose = "x";

  ASSERT_TRUE(logger_->Log(big, absl::OkStatus()).ok());
  ASSERT_TRUE(logger_->Log(small, absl::OkStatus()).ok());
  ASSERT_TRUE(logger_->Log(refused, absl::NotFoundError("no such case")).ok());
  auto es = Entries();
  ASSERT_EQ(es.size(), 3u);
  const std::vector<v1::AuditEntry> fresh = {logger_->BuildEntry(big, absl::OkStatus()),
                                             logger_->BuildEntry(small, absl::OkStatus()),
                                             logger_->BuildEntry(refused, absl::NotFoundError("x"))};
  for (size_t i = 0; i < es.size(); ++i) {
    v1::AuditEntry stored = es[i];
    stored.clear_seq();
    stored.clear_prev_hash();
    stored.clear_hash();
    EXPECT_EQ(stored.SerializeAsString(), fresh[i].SerializeAsString()) << i << "\n" << stored.DebugString();
  }
  EXPECT_THAT(es[0].case_ids(), ::testing::ElementsAre("C1", "C2"));  // each case once, in order
  EXPECT_EQ(es[0].party_hmacs_size(), 2);                             // each party once
  EXPECT_TRUE(std::is_sorted(es[0].party_hmacs().begin(), es[0].party_hmacs().end()));
  EXPECT_THAT(es[1].case_ids(), ::testing::ElementsAre("C9"));
  EXPECT_THAT(es[1].fields_full(), ::testing::ElementsAre("title"));
  EXPECT_TRUE(es[1].fields_masked().empty());
  EXPECT_TRUE(es[1].party_hmacs().empty());
  EXPECT_TRUE(es[1].searched_party_hmac().empty());
  EXPECT_TRUE(es[1].document_id().empty());
  EXPECT_EQ(es[1].document_offset(), 0);
  EXPECT_TRUE(es[2].case_ids().empty());
  EXPECT_TRUE(es[2].fields_full().empty());
}

TEST_F(AccessLoggerTest, RefusalsOverTheBudgetAreCountedIntoOneSummaryEntry) {
  Open(nullptr, /*refused_per_minute=*/5);
  const int64_t t0 = now_micros_;
  for (int i = 0; i < 100; ++i) {
    now_micros_ = t0 + i * 100000;  // 100 refusals in 10 s
    ASSERT_TRUE(logger_->Log(Record("certA", "town-a"), absl::NotFoundError("x")).ok());
  }
  // Answered calls and the server's own failures are never counted away.
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(logger_->Log(Record("certA", "town-a"), absl::OkStatus()).ok());
  ASSERT_TRUE(logger_->Log(Record("certA", "town-a"), absl::InternalError("x")).ok());
  EXPECT_EQ(Entries().size(), 5u + 10u + 1u);
  EXPECT_EQ(Metric("caselink_access_log_refusals_suppressed_total"), 95);
  // Within the minute nothing is due; after it, the flusher writes the count.
  ASSERT_TRUE(logger_->FlushSuppressed(false).ok());
  EXPECT_EQ(Entries().size(), 16u);
  now_micros_ = t0 + 61 * 1000000LL;
  ASSERT_TRUE(logger_->FlushSuppressed(false).ok());
  auto es = Entries();
  ASSERT_EQ(es.size(), 17u);
  const v1::AuditEntry& s = es.back();
  EXPECT_EQ(s.suppressed_calls(), 95u);
  EXPECT_EQ(s.cert_fingerprint(), "certA");
  EXPECT_EQ(s.agency_id(), "town-a");
  EXPECT_EQ(s.suppressed_from().seconds(), 1700000000 + 0);  // the 6th refusal, at 0.5 s
  EXPECT_EQ(s.suppressed_from().nanos(), 500000000);
  EXPECT_EQ(s.suppressed_to().seconds(), 1700000000 + 9);
  EXPECT_THAT(s.detail(), HasSubstr("95 further refused calls from certificate certA suppressed between"));
}

TEST_F(AccessLoggerTest, PendingCountsAreWrittenWhenTheLoggerStops) {
  Open(nullptr, 1);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(logger_->Log(Record("", ""), absl::UnauthenticatedError("x")).ok());
  logger_.reset();  // the server stopping
  auto es = Entries();
  ASSERT_EQ(es.size(), 2u);
  EXPECT_EQ(es[1].suppressed_calls(), 3u);
}

TEST_F(AccessLoggerTest, AFullDiskGivesUnavailableSayingWhyAndKeepsWhatWasAcknowledged) {
  Open(fault_.env.get());
  ASSERT_TRUE(logger_->Log(Record("certA", "psb"), absl::OkStatus()).ok());
  ASSERT_TRUE(logger_->Log(Record("certA", "psb"), absl::OkStatus()).ok());
  EXPECT_EQ(Metric("caselink_storage_full"), 0);
  // Read entries are answered before their fsync; wait for it (a durable
  // commit is answered after the sync that covers everything before it), so
  // the failure below does not meet a sync in flight: RocksDB's assertion
  // builds abort on that race (commit_pipeline.h, docs/audit.md).
  {
    storage::CommitRequest barrier;
    barrier.durable = true;
    ASSERT_TRUE(pipeline_->Commit(std::move(barrier)).ok());
  }
  fault_.fs->FailWrites(Fault::kNoSpace);
  absl::Status s = logger_->Log(Record("certA", "psb"), absl::OkStatus());
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(s.message(), HasSubstr("disk is full"));
  EXPECT_TRUE(logger_->storage_full());
  EXPECT_EQ(Metric("caselink_storage_full"), 1);
  EXPECT_EQ(Metric("caselink_access_log_write_failures_total", "no_space"), 1);
  EXPECT_GT(fault_.fs->failed_writes(), 0);
  // Every later call fails the same way while the disk is full.
  EXPECT_THAT(logger_->Log(Record("certB", "justice"), absl::OkStatus()).message(),
              HasSubstr("disk is full"));
  Close();  // while the disk is still full
  fault_.fs->FailWrites(Fault::kNone);
  Open();  // the real file system: what was acknowledged is there
  auto es = Entries();
  EXPECT_EQ(es.size(), 2u);
  EXPECT_EQ(pipeline_->NextSequence(storage::Table::kAuditLog), 3u);
}

// A write's entry is sealed in its batch before the answer exists; if the
// response filter then finds case ids in the answer that entry does not name,
// ConcludeCall writes them in a second entry before the answer leaves (on
// both of its paths), and writes nothing more when the batch named them all.
TEST_F(AccessLoggerTest, CasesAWritesAnswerNamesBeyondItsBatchEntryGetAnEntryOfTheirOwn) {
  Open();
  ServiceContext sc;
  sc.access_log = logger_.get();
  const std::string method = "caselink.v1.WorkflowService/TakeAction";
  auto write = [&](AccessRecord* record, std::vector<std::string> batch_names) {
    CallScope scope;
    scope.method = method;
    scope.record = record;
    storage::CommitRequest commit;
    ASSERT_TRUE(logger_->AttachItemEntry(scope, "T-1", batch_names, &commit).ok());
    ASSERT_TRUE(pipeline_->Commit(std::move(commit)).ok());
    EXPECT_TRUE(record->logged_in_batch);
  };

  AccessRecord all_named = Record("certA", "psb");
  all_named.method = method;
  write(&all_named, {"C1", "C2"});
  all_named.case_ids = {"C2", "C1"};  // what the filter found in the answer
  ASSERT_TRUE(ConcludeCall(sc, method, all_named, absl::OkStatus(), absl::Now(), "r1").ok());
  ASSERT_EQ(Entries().size(), 1u);

  AccessRecord more = Record("certA", "psb");
  more.method = method;
  write(&more, {"C1"});
  more.case_ids = {"C1", "C3", "C4", "C3"};
  ASSERT_TRUE(ConcludeCall(sc, method, more, absl::OkStatus(), absl::Now(), "r2").ok());
  auto es = Entries();
  ASSERT_EQ(es.size(), 3u);
  EXPECT_THAT(es[1].case_ids(), ::testing::ElementsAre("C1"));
  EXPECT_THAT(es[2].case_ids(), ::testing::ElementsAre("C3", "C4"));
  EXPECT_EQ(es[2].method(), method);
  EXPECT_EQ(es[2].agency_id(), "psb");
  EXPECT_THAT(es[2].detail(), HasSubstr("beyond the entry written with its write"));

  AccessRecord async = Record("certA", "psb");
  async.method = method;
  write(&async, {"C1"});
  async.case_ids = {"C1", "C5"};
  absl::Notification answered;
  absl::Status status = absl::UnknownError("not answered");
  ConcludeCallAsync(sc, method, async, absl::OkStatus(), absl::Now(), "r3", [&](absl::Status s) {
    status = s;
    answered.Notify();
  });
  answered.WaitForNotification();
  ASSERT_TRUE(status.ok()) << status;
  es = Entries();
  ASSERT_EQ(es.size(), 5u);
  EXPECT_THAT(es[4].case_ids(), ::testing::ElementsAre("C5"));

  // A failed write's batch stored nothing: the call's own entry is written.
  AccessRecord failed = Record("certA", "psb");
  failed.method = method;
  failed.logged_in_batch = false;
  EXPECT_EQ(ConcludeCall(sc, method, failed, absl::FailedPreconditionError("wrong state"), absl::Now(), "r4").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Entries().size(), 6u);
}

}  // namespace
}  // namespace caselink::server
