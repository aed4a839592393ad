// What the verifier proves beyond the hash chain, against a real RocksDB and
// the real commit pipeline:
// - no signed checkpoint can be deleted unnoticed: each checkpoint promises,
//   in its signed bytes, the next within `checkpoint_every_entries` entries,
//   the server keeps that promise by construction (also inside one large
//   group, across a crash and across a restart with another setting), and
//   a checkpoint missing where one was promised is CHECKPOINT_MISSING;
// - the access-log index (WhoRead, AgencyAccess, PartyAccess) holds exactly
//   the keys the entries call for: a deleted key is INDEX_MISSING, a planted
//   one INDEX_EXTRA, in `verify --db` and in the integrity check;
// - checkpoints of before the promise (and the legacy fixture database)
//   verify as before.

#include <cstdio>
#include <filesystem>
#include <map>
#include <sys/wait.h>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/audit_chain.h"
#include "storage/audit_sealer.h"
#include "storage/audit_store.h"
#include "storage/commit_pipeline.h"
#include "storage/database.h"
#include "storage/integrity_check.h"
#include "support/raw_db.h"
#include "support/audit_samples.h"
#include "support/temp_dir.h"

namespace caselink::storage {
namespace {

using ::testing::HasSubstr;

std::string NewKeyPem() { return ::caselink::testing::NewCheckpointKeyPem(); }
v1::AuditEntry Entry(int i) { return ::caselink::testing::SampleAuditEntry(i); }

class AuditCompletenessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = audit::CheckpointSigner::FromPem(NewKeyPem());
    ASSERT_TRUE(s.ok()) << s.status();
    signer_ = std::move(*s);
  }
  void TearDown() override { Close(); }

  void Open(int every) {
    auto db = Database::Open(dir_.Join("db"));
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    pipeline_ = std::make_unique<CommitPipeline>(db_.get());
    AuditChainOptions o;
    o.checkpoint_every_entries = every;
    o.checkpoint_every = absl::Hours(1);  // only the count decides here
    o.signer = signer_.get();
    auto chain = AuditChain::Attach(db_.get(), pipeline_.get(), o);
    ASSERT_TRUE(chain.ok()) << chain.status();
    chain_ = std::move(*chain);
  }
  // As the server stops: a final checkpoint, then the pipeline, then the db.
  void Close() {
    if (chain_) {
      EXPECT_TRUE(chain_->CheckpointNow().ok());
    }
    Crash();
  }
  // As a crash: what was committed stays, no final checkpoint.
  void Crash() {
    pipeline_.reset();
    chain_.reset();
    db_.reset();
  }
  // Stops the server and opens only the database, for tampering.
  void StopServer() {
    Close();
    auto db = Database::Open(dir_.Join("db"));
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
  }

  // `n` entries in requests of `per_request` appends (one group each at least).
  void AppendN(int n, int per_request = 1) {
    for (int i = 1; i <= n;) {
      CommitRequest r;
      for (int k = 0; k < per_request && i <= n; ++k, ++i) {
        r.appends.push_back(audit::EntryAppend(Entry(next_++)));
      }
      ASSERT_TRUE(pipeline_->Commit(std::move(r)).ok());
    }
  }

  std::string Get(Table t, const std::string& key) {
    std::string v;
    EXPECT_TRUE(RawDb(db_)->Get(rocksdb::ReadOptions(), db_->cf(t), key, &v).ok());
    return v;
  }
  void Set(Table t, const std::string& key, const std::string& v) {
    ASSERT_TRUE(RawDb(db_)->Put(Database::DurableWrite(), db_->cf(t), key, v).ok());
  }
  void Delete(Table t, const std::string& key) {
    ASSERT_TRUE(RawDb(db_)->Delete(Database::DurableWrite(), db_->cf(t), key).ok());
  }
  std::string Seq(uint64_t seq) { return CommitPipeline::SequenceKey(seq); }

  std::map<uint64_t, v1::AuditCheckpoint> Checkpoints() {
    std::map<uint64_t, v1::AuditCheckpoint> out;
    std::unique_ptr<rocksdb::Iterator> it(
        RawDb(db_)->NewIterator(rocksdb::ReadOptions(), db_->cf(Table::kAuditCheckpoints)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      v1::AuditCheckpoint cp;
      EXPECT_TRUE(cp.ParseFromString(it->value().ToString()));
      out[CommitPipeline::DecodeSequenceKey(it->key().ToString())] = cp;
    }
    return out;
  }

  // Without the signing key: delete the checkpoints above `keep_to`, change
  // entry `rewrite` and re-hash every entry from it to `last`.
  void ForgeWithoutTheKey(uint64_t keep_to, uint64_t rewrite, uint64_t last) {
    for (const auto& [seq, cp] : Checkpoints()) {
      if (seq > keep_to) Delete(Table::kAuditCheckpoints, Seq(seq));
    }
    std::string prev;
    for (uint64_t seq = rewrite; seq <= last; ++seq) {
      v1::AuditEntry e;
      ASSERT_TRUE(e.ParseFromString(Get(Table::kAuditLog, Seq(seq))));
      if (seq == rewrite) {
        prev = e.prev_hash();
        e.set_purpose("nothing to see");  // not an indexed field: the index still fits
      }
      e.set_prev_hash(prev);
      e.set_hash(audit::ChainHash(prev, audit::CanonicalBytes(e)));
      prev = e.hash();
      Set(Table::kAuditLog, Seq(seq), e.SerializeAsString());
    }
  }

  AuditVerifyReport Verify(uint64_t checkpoint_every = AuditVerifier::kDefaultCheckpointEvery) {
    auto r = VerifyAuditLog(*db_, signer_->public_key_pem(), checkpoint_every);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : AuditVerifyReport{};
  }

  testing::TempDir dir_;
  std::unique_ptr<audit::CheckpointSigner> signer_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<AuditChain> chain_;
  std::unique_ptr<CommitPipeline> pipeline_;
  int next_ = 1;
};

// --- checkpoints ---------------------------------------------------------

TEST_F(AuditCompletenessTest, EveryCheckpointPromisesTheNextInItsSignedBytes) {
  Open(10);
  AppendN(35);
  StopServer();
  auto cps = Checkpoints();
  ASSERT_FALSE(cps.empty());
  EXPECT_EQ(cps.begin()->first, 1u) << "a new log's first entry is sealed with a checkpoint";
  for (const auto& [seq, cp] : cps) {
    EXPECT_EQ(cp.next_within_entries(), 10u) << seq;
    // The promise is signed: raising it breaks the signature.
    v1::AuditCheckpoint changed = cp;
    changed.set_next_within_entries(1000000);
    EXPECT_FALSE(audit::VerifyCheckpointSignature(changed, signer_->public_key_pem()).ok()) << seq;
  }
  AuditVerifyReport r = Verify();
  EXPECT_TRUE(r.ok()) << r.Summary();
}

TEST_F(AuditCompletenessTest, DeletedCheckpointsAndARechainedTailAreCheckpointMissing) {
  Open(10);
  AppendN(60);
  StopServer();
  auto cps = Checkpoints();
  ASSERT_TRUE(cps.count(21)) << "checkpoints at 1, 11, 21, …";
  ASSERT_TRUE(Verify().ok());
  // The checkpoints above 21 go, entry 35 is rewritten and the chain
  // re-hashed to the end: only the promise of the checkpoint at 21 tells.
  ForgeWithoutTheKey(21, 35, 60);
  AuditVerifyReport r = Verify();
  EXPECT_EQ(r.problem, AuditProblem::kCheckpointMissing) << r.Summary();
  EXPECT_EQ(r.seq, 31u);
  EXPECT_THAT(r.detail, HasSubstr("checkpoint at seq 21 promised"));
}

TEST_F(AuditCompletenessTest, DeletedTailCheckpointsAreMissingWhenTheHeadIsFarEnough) {
  Open(10);
  AppendN(45);
  StopServer();  // checkpoints at 1, 11, 21, 31, 41 and the final one at 45
  for (uint64_t seq : {41u, 45u}) Delete(Table::kAuditCheckpoints, Seq(seq));
  AuditVerifyReport r = Verify();
  EXPECT_EQ(r.problem, AuditProblem::kCheckpointMissing) << r.Summary();
  EXPECT_EQ(r.seq, 41u);
}

TEST_F(AuditCompletenessTest, DeletingEveryCheckpointIsCheckpointMissing) {
  Open(10);
  AppendN(1200, 100);
  StopServer();
  ForgeWithoutTheKey(0, 500, 1200);
  // The auditor who knows the server's setting finds it at its first
  // promised checkpoint; without it, the default (1000) still bounds it.
  AuditVerifyReport r = Verify(10);
  EXPECT_EQ(r.problem, AuditProblem::kCheckpointMissing) << r.Summary();
  EXPECT_EQ(r.seq, 10u);
  r = Verify();
  EXPECT_EQ(r.problem, AuditProblem::kCheckpointMissing) << r.Summary();
  EXPECT_EQ(r.seq, 1000u);
  EXPECT_THAT(r.detail, HasSubstr("--checkpoint-every-entries"));
}

TEST_F(AuditCompletenessTest, TheAdminToolReportsADeletedCheckpointWithExit3) {
  Open(10);
  AppendN(60);
  StopServer();
  ForgeWithoutTheKey(21, 35, 60);
  const std::string pub = dir_.Join("pub.pem");
  {
    FILE* f = fopen(pub.c_str(), "w");
    ASSERT_NE(f, nullptr);
    fputs(signer_->public_key_pem().c_str(), f);
    fclose(f);
  }
  db_.reset();
  std::string out;
  FILE* p = popen((std::string(CASELINK_ADMIN_PATH) + " audit verify --db " + dir_.Join("db") +
                   " --public-key " + pub + " 2>&1")
                      .c_str(),
                  "r");
  char buf[512];
  while (p != nullptr && fgets(buf, sizeof(buf), p) != nullptr) out += buf;
  const int st = p == nullptr ? -1 : pclose(p);
  EXPECT_EQ(WIFEXITED(st) ? WEXITSTATUS(st) : -1, 3) << out;
  EXPECT_THAT(out, HasSubstr("BROKEN at seq 31: CHECKPOINT_MISSING"));
}

TEST_F(AuditCompletenessTest, LargeGroupsCrashesAndAnotherSettingKeepThePromise) {
  Open(10);
  AppendN(95, 25);  // groups of 25: checkpoints inside them
  Crash();          // no final checkpoint: the tail after the last one is < 10
  Open(50);         // a larger setting: the last checkpoint's promise (10) still binds
  AppendN(37, 37);
  Crash();
  Open(7);
  AppendN(30, 13);
  StopServer();
  auto cps = Checkpoints();
  uint64_t prev = 0, promise = 0;
  for (const auto& [seq, cp] : cps) {
    if (prev != 0) {
      EXPECT_LE(seq - prev, promise) << "checkpoint at " << seq << " after " << prev;
    }
    prev = seq;
    promise = cp.next_within_entries();
  }
  AuditVerifyReport r = Verify(1);  // the first entry has its checkpoint
  EXPECT_TRUE(r.ok()) << r.Summary();
  EXPECT_EQ(r.entries, 162u);
}

TEST_F(AuditCompletenessTest, CheckpointsWithoutAPromiseVerifyAsBefore) {
  Open(10);
  AppendN(60);
  StopServer();
  // The checkpoints an older server wrote: no promise, so deleting some of
  // them is not detectable (the limit docs/audit.md states) …
  for (const auto& [seq, cp] : Checkpoints()) {
    auto old = signer_->Sign(seq, cp.head_hash(), absl::FromUnixSeconds(1700000000), 0);
    ASSERT_TRUE(old.ok());
    ASSERT_EQ(old->next_within_entries(), 0u);
    if (seq == 31 || seq == 41) {
      Delete(Table::kAuditCheckpoints, Seq(seq));
    } else {
      Set(Table::kAuditCheckpoints, Seq(seq), old->SerializeAsString());
    }
  }
  AuditVerifyReport r = Verify();
  EXPECT_TRUE(r.ok()) << r.Summary();
  // … but the signatures, head hashes and truncation checks stand.
  Delete(Table::kAuditLog, Seq(60));
  r = Verify();
  EXPECT_EQ(r.problem, AuditProblem::kMissing) << r.Summary();
}

TEST_F(AuditCompletenessTest, TheLegacyFixtureVerifiesChainCheckpointsAndIndex) {
  const std::string copy = dir_.Join("legacy");
  std::filesystem::copy(std::string(CASELINK_SOURCE_DIR) + "/tests/data/legacy-workflow-v1/db", copy,
                        std::filesystem::copy_options::recursive);
  auto db = Database::Open(copy);
  ASSERT_TRUE(db.ok()) << db.status();
  auto r = VerifyAuditLog(**db, "");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->ok()) << r->Summary();
  EXPECT_GT(r->entries, 0u);
  EXPECT_GT(r->checkpoints, 0u);
  EXPECT_GT(r->index_keys, 0u);
}

// --- the index -----------------------------------------------------------

TEST_F(AuditCompletenessTest, ADeletedIndexKeyIsIndexMissingInVerifyAndIntegrityCheck) {
  Open(4);
  AppendN(10);
  StopServer();
  ASSERT_EQ(QueryAuditByCase(*db_, "case-5", 10)->entries.size(), 1u);
  Delete(Table::kAuditIndex, audit::CaseIndexPrefix("case-5") + Seq(5));
  ASSERT_TRUE(QueryAuditByCase(*db_, "case-5", 10)->entries.empty()) << "WhoRead no longer shows the read";
  AuditVerifyReport r = Verify();
  EXPECT_EQ(r.problem, AuditProblem::kIndexMissing) << r.Summary();
  EXPECT_EQ(r.seq, 5u);
  EXPECT_THAT(r.detail, HasSubstr("case key (case case-5)"));
  auto integrity = CheckIntegrity(*db_, std::string(32, 'k'), signer_->public_key_pem());
  ASSERT_TRUE(integrity.ok()) << integrity.status();
  EXPECT_FALSE(integrity->ok());
  EXPECT_EQ(integrity->audit.problem, AuditProblem::kIndexMissing) << integrity->Summary();
}

TEST_F(AuditCompletenessTest, APlantedIndexKeyIsIndexExtra) {
  Open(4);
  AppendN(10);
  StopServer();
  // An authentic entry made to appear under a case it never touched.
  Set(Table::kAuditIndex, audit::CaseIndexPrefix("C123") + Seq(7), "");
  ASSERT_EQ(QueryAuditByCase(*db_, "C123", 10)->entries.size(), 1u);
  AuditVerifyReport r = Verify();
  EXPECT_EQ(r.problem, AuditProblem::kIndexExtra) << r.Summary();
  EXPECT_EQ(r.seq, 7u);
  EXPECT_THAT(r.detail, HasSubstr("case key (case C123)"));
  // The lowest seq is named; a key naming no entry at all is extra too.
  Set(Table::kAuditIndex, audit::PartyIndexPrefix(std::string(32, '\x01')) + Seq(3), "");
  r = Verify();
  EXPECT_EQ(r.seq, 3u) << r.Summary();
  EXPECT_THAT(r.detail, HasSubstr("party key"));
  Delete(Table::kAuditIndex, audit::CaseIndexPrefix("C123") + Seq(7));
  Delete(Table::kAuditIndex, audit::PartyIndexPrefix(std::string(32, '\x01')) + Seq(3));
  ASSERT_TRUE(Verify().ok());
  Set(Table::kAuditIndex, audit::CaseIndexPrefix("case-1") + Seq(99), "");
  r = Verify();
  EXPECT_EQ(r.problem, AuditProblem::kIndexExtra) << r.Summary();
  EXPECT_EQ(r.seq, 99u);
  EXPECT_THAT(r.detail, HasSubstr("holds no entry 99"));
}

TEST_F(AuditCompletenessTest, AMovedAgencyKeyIsMissingAtItsEntryAndExtraElsewhere) {
  Open(4);
  AppendN(10);
  StopServer();
  const std::string agency_key =
      audit::AgencyIndexTimePrefix("agency-2", absl::FromUnixSeconds(1700000002)) + Seq(2);
  Get(Table::kAuditIndex, agency_key);  // it exists
  Delete(Table::kAuditIndex, agency_key);
  Set(Table::kAuditIndex, audit::AgencyIndexTimePrefix("agency-0", absl::FromUnixSeconds(1700000002)) + Seq(2), "");
  AuditVerifyReport r = Verify();
  EXPECT_EQ(r.seq, 2u) << r.Summary();
  EXPECT_THAT(r.problem, ::testing::AnyOf(AuditProblem::kIndexMissing, AuditProblem::kIndexExtra));
  EXPECT_THAT(r.detail, HasSubstr("agency key"));
  EXPECT_EQ(r.index_keys, 10u * 2);  // one case key and one agency key per entry
}

TEST_F(AuditCompletenessTest, AnIntactLogCountsItsIndexKeys) {
  Open(4);
  v1::AuditEntry e = Entry(100);
  e.add_case_ids("case-100");  // listed twice: one key
  e.set_requested_case_id("case-7");
  e.add_party_hmacs(std::string(32, '\x02'));
  e.set_searched_party_hmac(std::string(32, '\x02'));  // the same key again
  CommitRequest req;
  req.appends.push_back(audit::EntryAppend(e));
  ASSERT_TRUE(pipeline_->Commit(std::move(req)).ok());
  StopServer();
  AuditVerifyReport r = Verify();
  EXPECT_TRUE(r.ok()) << r.Summary();
  EXPECT_EQ(r.index_keys, 4u);  // case-100, case-7, agency, party
  EXPECT_THAT(r.Summary(), HasSubstr("4 index keys"));
}

}  // namespace
}  // namespace caselink::storage
