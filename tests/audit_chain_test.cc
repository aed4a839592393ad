// The access log's hash chain against a real RocksDB and the real commit
// pipeline: entries are sealed in commit order, checkpoints are signed, and
// the offline verifier points at the exact entry and kind of every tampering
// (changed, deleted, moved, rewritten, truncated, forged signature, the start
// of the log deleted, a rollback told by a head recorded outside the
// database); the chain refuses to extend a log its last checkpoint is past.
#include "support/raw_db.h"

#include <sstream>
#include <thread>

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
#include "support/audit_samples.h"
#include "support/temp_dir.h"

namespace caselink::storage {
namespace {

using ::testing::HasSubstr;

std::string NewKeyPem() { return ::caselink::testing::NewCheckpointKeyPem(); }
v1::AuditEntry Entry(int i) { return ::caselink::testing::SampleAuditEntry(i); }

class AuditChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = audit::CheckpointSigner::FromPem(NewKeyPem());
    ASSERT_TRUE(s.ok()) << s.status();
    signer_ = std::move(*s);
    Open();
  }
  void TearDown() override { Close(); }

  void Open() {
    auto db = Database::Open(dir_.Join("db"));
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    pipeline_ = std::make_unique<CommitPipeline>(db_.get());
    AuditChainOptions o;
    o.checkpoint_every_entries = every_;
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
    pipeline_.reset();
    chain_.reset();
    db_.reset();
  }

  absl::StatusOr<CommitResult> Append(int i) {
    CommitRequest r;
    r.appends.push_back(audit::EntryAppend(Entry(i)));
    return pipeline_->Commit(std::move(r));
  }
  void AppendN(int n) {
    for (int i = 1; i <= n; ++i) ASSERT_TRUE(Append(i).ok());
  }

  // Tampering happens with the server stopped, directly in RocksDB.
  std::string Get(Table t, uint64_t seq) {
    std::string v;
    EXPECT_TRUE(storage::RawDb(db_)->Get(rocksdb::ReadOptions(), db_->cf(t), CommitPipeline::SequenceKey(seq), &v).ok());
    return v;
  }
  void Set(Table t, uint64_t seq, const std::string& v) {
    ASSERT_TRUE(storage::RawDb(db_)->Put(Database::DurableWrite(), db_->cf(t), CommitPipeline::SequenceKey(seq), v).ok());
  }
  void Delete(Table t, uint64_t seq) {
    ASSERT_TRUE(storage::RawDb(db_)->Delete(Database::DurableWrite(), db_->cf(t), CommitPipeline::SequenceKey(seq)).ok());
  }
  // Closes the log and reopens only the database, for tampering.
  void StopServer() {
    Close();
    auto db = Database::Open(dir_.Join("db"));
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
  }

  AuditVerifyReport Verify(const std::string& key = "",
                           uint64_t checkpoint_every = AuditVerifier::kDefaultCheckpointEvery,
                           const AuditHead& head = {}) {
    auto r = VerifyAuditLog(*db_, key, checkpoint_every, head);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : AuditVerifyReport{};
  }

  // The index keys entry `seq` is filed under, as the writer stores them.
  std::vector<std::string> IndexKeysOf(uint64_t seq) {
    v1::AuditEntry e;
    EXPECT_TRUE(e.ParseFromString(Get(Table::kAuditLog, seq)));
    std::vector<std::string> keys;
    audit::ForEachIndexPrefix(e, [&](std::string prefix) { keys.push_back(prefix + CommitPipeline::SequenceKey(seq)); });
    return keys;
  }
  // As a careful attacker (or an old copy) leaves it: the entry and its index keys gone.
  void DeleteEntryAndIndex(uint64_t seq) {
    for (const std::string& k : IndexKeysOf(seq)) {
      ASSERT_TRUE(storage::RawDb(db_)->Delete(Database::DurableWrite(), db_->cf(Table::kAuditIndex), k).ok());
    }
    Delete(Table::kAuditLog, seq);
  }
  void DeleteCheckpointsAbove(uint64_t keep_to) {
    std::vector<uint64_t> above;
    std::unique_ptr<rocksdb::Iterator> it(
        storage::RawDb(db_)->NewIterator(rocksdb::ReadOptions(), db_->cf(Table::kAuditCheckpoints)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const uint64_t seq = CommitPipeline::DecodeSequenceKey(it->key().ToString());
      if (seq > keep_to) above.push_back(seq);
    }
    it.reset();
    for (uint64_t seq : above) Delete(Table::kAuditCheckpoints, seq);
  }
  // Attaches a chain to the stopped server's database, as caselinkd starts.
  absl::Status AttachAgain() {
    CommitPipeline pipeline(db_.get());
    AuditChainOptions o;
    o.checkpoint_every_entries = every_;
    o.signer = signer_.get();
    return AuditChain::Attach(db_.get(), &pipeline, o).status();
  }

  testing::TempDir dir_;
  int every_ = 4;  // checkpoint_every_entries of Open()
  std::unique_ptr<audit::CheckpointSigner> signer_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<AuditChain> chain_;
  std::unique_ptr<CommitPipeline> pipeline_;
};

TEST_F(AuditChainTest, CleanChainVerifiesWithCheckpoints) {
  AppendN(10);
  StopServer();
  AuditVerifyReport r = Verify(signer_->public_key_pem());
  EXPECT_TRUE(r.ok()) << r.Summary();
  EXPECT_EQ(r.entries, 10u);
  EXPECT_EQ(r.last_seq, 10u);
  EXPECT_EQ(r.checkpoints, 4u);  // with entry 1, at 5, 9 and the final one at 10
}

TEST_F(AuditChainTest, TheFinalCheckpointNamesReadsEntriesNotYetSynced) {
  AppendN(3);
  for (int i = 4; i <= 5; ++i) {  // reads' entries: answered once written, synced lazily
    CommitRequest r;
    r.durable = false;
    r.appends.push_back(audit::EntryAppend(Entry(i)));
    ASSERT_TRUE(pipeline_->Commit(std::move(r)).ok());
  }
  StopServer();
  v1::AuditCheckpoint cp;
  ASSERT_TRUE(cp.ParseFromString(Get(Table::kAuditCheckpoints, 5)));
  EXPECT_EQ(cp.seq(), 5u);
  EXPECT_TRUE(Verify(signer_->public_key_pem()).ok());
}

TEST_F(AuditChainTest, EntriesAreChainedFromGenesis) {
  AppendN(2);
  StopServer();
  v1::AuditEntry e1, e2;
  ASSERT_TRUE(e1.ParseFromString(Get(Table::kAuditLog, 1)));
  ASSERT_TRUE(e2.ParseFromString(Get(Table::kAuditLog, 2)));
  EXPECT_EQ(e1.prev_hash(), audit::GenesisHash());
  EXPECT_EQ(e1.hash(), audit::ChainHash(audit::GenesisHash(), audit::CanonicalBytes(e1)));
  EXPECT_EQ(e2.prev_hash(), e1.hash());
  EXPECT_EQ(e2.seq(), 2u);
}

TEST_F(AuditChainTest, ChangedByteIsReportedAtThatEntry) {
  AppendN(10);
  StopServer();
  std::string v = Get(Table::kAuditLog, 5);
  size_t pos = v.find("purpose-5");
  ASSERT_NE(pos, std::string::npos);
  v[pos] = 'P';
  Set(Table::kAuditLog, 5, v);
  AuditVerifyReport r = Verify();
  EXPECT_EQ(r.problem, AuditProblem::kChanged) << r.Summary();
  EXPECT_EQ(r.seq, 5u);
}

TEST_F(AuditChainTest, RewrittenEntryWithRecomputedHashIsReportedAtThatEntry) {
  AppendN(10);
  StopServer();
  v1::AuditEntry e;
  ASSERT_TRUE(e.ParseFromString(Get(Table::kAuditLog, 6)));
  e.set_agency_id("nobody");  // hide who read it, and re-hash to look consistent
  e.set_hash(audit::ChainHash(e.prev_hash(), audit::CanonicalBytes(e)));
  Set(Table::kAuditLog, 6, e.SerializeAsString());
  AuditVerifyReport r = Verify();
  EXPECT_EQ(r.problem, AuditProblem::kChanged) << r.Summary();
  EXPECT_EQ(r.seq, 6u);
}

TEST_F(AuditChainTest, DeletedEntryIsMissing) {
  AppendN(10);
  StopServer();
  Delete(Table::kAuditLog, 7);
  AuditVerifyReport r = Verify();
  EXPECT_EQ(r.problem, AuditProblem::kMissing) << r.Summary();
  EXPECT_EQ(r.seq, 7u);
}

TEST_F(AuditChainTest, SwappedEntriesAreReordered) {
  AppendN(10);
  StopServer();
  std::string a = Get(Table::kAuditLog, 5), b = Get(Table::kAuditLog, 6);
  Set(Table::kAuditLog, 5, b);
  Set(Table::kAuditLog, 6, a);
  AuditVerifyReport r = Verify();
  EXPECT_EQ(r.problem, AuditProblem::kReordered) << r.Summary();
  EXPECT_EQ(r.seq, 5u);
}

TEST_F(AuditChainTest, TruncatedTailIsMissingThanksToTheCheckpoint) {
  AppendN(10);
  StopServer();  // the final checkpoint names seq 10
  Delete(Table::kAuditLog, 10);
  Delete(Table::kAuditLog, 9);
  AuditVerifyReport r = Verify();
  EXPECT_EQ(r.problem, AuditProblem::kMissing) << r.Summary();
  EXPECT_EQ(r.seq, 9u);
  EXPECT_THAT(r.detail, HasSubstr("truncated"));
}

TEST_F(AuditChainTest, ForgedCheckpointSignatureIsInvalid) {
  AppendN(10);
  StopServer();
  v1::AuditCheckpoint cp;
  ASSERT_TRUE(cp.ParseFromString(Get(Table::kAuditCheckpoints, 9)));
  cp.set_head_hash(std::string(32, 'x'));  // claims another head, keeps the old signature
  Set(Table::kAuditCheckpoints, 9, cp.SerializeAsString());
  AuditVerifyReport r = Verify();
  EXPECT_EQ(r.problem, AuditProblem::kSignatureInvalid) << r.Summary();
  EXPECT_EQ(r.seq, 9u);
}

TEST_F(AuditChainTest, RechainedLogResignedWithAnotherKeyIsRejected) {
  AppendN(8);
  StopServer();
  // An attacker rewrites entry 3, re-hashes the chain after it and signs new
  // checkpoints with a key of their own.
  auto forger = audit::CheckpointSigner::FromPem(NewKeyPem());
  ASSERT_TRUE(forger.ok());
  std::string prev = audit::GenesisHash();
  for (uint64_t seq = 1; seq <= 8; ++seq) {
    v1::AuditEntry e;
    ASSERT_TRUE(e.ParseFromString(Get(Table::kAuditLog, seq)));
    if (seq == 3) e.set_purpose("nothing to see");
    e.set_prev_hash(prev);
    e.set_hash(audit::ChainHash(prev, audit::CanonicalBytes(e)));
    prev = e.hash();
    Set(Table::kAuditLog, seq, e.SerializeAsString());
    if (seq % 4 == 0) {
      auto cp = (*forger)->Sign(seq, e.hash(), absl::Now());
      ASSERT_TRUE(cp.ok());
      Set(Table::kAuditCheckpoints, seq, cp->SerializeAsString());
    }
  }
  // Every checkpoint is now the forger's: only the expected key tells.
  AuditVerifyReport r = Verify(signer_->public_key_pem());
  EXPECT_EQ(r.problem, AuditProblem::kSignatureInvalid) << r.Summary();
  EXPECT_EQ(r.seq, 4u);
}

TEST_F(AuditChainTest, RewrittenPrefixIsCaughtByTheCheckpoint) {
  AppendN(8);
  StopServer();
  // Rewrite entry 2 and re-hash everything after it, without the key.
  std::string prev = audit::GenesisHash();
  for (uint64_t seq = 1; seq <= 8; ++seq) {
    v1::AuditEntry e;
    ASSERT_TRUE(e.ParseFromString(Get(Table::kAuditLog, seq)));
    if (seq == 2) e.set_purpose("nothing to see");  // an indexed field would also break the index
    e.set_prev_hash(prev);
    e.set_hash(audit::ChainHash(prev, audit::CanonicalBytes(e)));
    prev = e.hash();
    Set(Table::kAuditLog, seq, e.SerializeAsString());
  }
  AuditVerifyReport r = Verify();
  EXPECT_EQ(r.problem, AuditProblem::kCheckpointMismatch) << r.Summary();
  EXPECT_EQ(r.seq, 5u);  // the first signed checkpoint after the change (1, 5, 9)
}

TEST_F(AuditChainTest, FailedGroupStoresNothingAndTheChainContinues) {
  AppendN(3);
  pipeline_->InjectFailureForTest(absl::UnavailableError("disk gone"));
  EXPECT_FALSE(Append(4).ok());
  EXPECT_FALSE(Append(5).ok());
  pipeline_->InjectFailureForTest(absl::OkStatus());
  auto r = Append(6);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sequences[0], 4u);
  StopServer();
  AuditVerifyReport v = Verify();
  EXPECT_TRUE(v.ok()) << v.Summary();
  EXPECT_EQ(v.entries, 4u);
}

// A read's entry is answered once written and synced up to kLazySync later:
// a group that fails while such a group is written but not yet synced must
// return the chain to the end of that group, not to the last synced entry
// (which the next group's sequence number is past: every later seal failed).
TEST_F(AuditChainTest, AFailedGroupAfterAnUnsyncedOneLeavesTheChainAtItsEnd) {
  AppendN(3);
  for (int round = 0; round < 20; ++round) {
    CommitRequest lazy;
    lazy.durable = false;
    lazy.appends.push_back(audit::EntryAppend(Entry(100 + round)));
    ASSERT_TRUE(pipeline_->Commit(std::move(lazy)).ok());
    pipeline_->InjectFailureForTest(absl::UnavailableError("injected"), 1);
    EXPECT_FALSE(Append(200 + round).ok());
    auto next = Append(300 + round);
    ASSERT_TRUE(next.ok()) << "round " << round << ": " << next.status();
  }
  StopServer();
  AuditVerifyReport v = Verify();
  EXPECT_TRUE(v.ok()) << v.Summary();
  EXPECT_EQ(v.entries, 3u + 2 * 20);
}

TEST_F(AuditChainTest, RestartContinuesTheChain) {
  AppendN(5);
  Close();
  Open();
  EXPECT_EQ(chain_->head_seq(), 5u);
  AppendN(5);
  StopServer();
  AuditVerifyReport r = Verify(signer_->public_key_pem());
  EXPECT_TRUE(r.ok()) << r.Summary();
  EXPECT_EQ(r.entries, 10u);
}

TEST_F(AuditChainTest, ConcurrentWritersKeepOneValidChain) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 50; ++i) EXPECT_TRUE(Append(t * 100 + i).ok());
    });
  }
  for (auto& th : threads) th.join();
  StopServer();
  AuditVerifyReport r = Verify(signer_->public_key_pem());
  EXPECT_TRUE(r.ok()) << r.Summary();
  EXPECT_EQ(r.entries, 400u);
}

TEST(HmacSha256KeyTest, EqualsTheOneShotHmacForShortBlockSizedAndLongKeys) {
  for (const std::string& key : {std::string("k"), std::string(32, '\x07'), std::string(64, 'a'),
                                std::string(100, '\xfe')}) {
    const audit::HmacSha256Key keyed(key);
    for (const std::string& data : {std::string(), std::string("510181198503121235"), std::string(200, 'x')}) {
      EXPECT_EQ(keyed.Mac(data), audit::HmacSha256(key, data)) << key.size() << " " << data.size();
    }
  }
  // RFC 4231 test case 2.
  EXPECT_EQ(audit::Hex(audit::HmacSha256Key("Jefe").Mac("what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(AuditAppendTest, CanonicalBytesOfAnAppendAreThoseOfTheSealedEntry) {
  v1::AuditEntry e = Entry(7);
  e.add_fields_full("case_id");
  e.add_party_hmacs(audit::HmacSha256("k", "510181198503121235"));
  e.set_document_bytes(12345);  // a field numbered above the hashes
  const Append a = audit::EntryAppend(e);
  EXPECT_EQ(a.table, Table::kAuditLog);
  // Every varint length of the seq, up to the largest.
  for (uint64_t seq : {1ull, 127ull, 128ull, 300ull, 16384ull, 1ull << 35, ~0ull}) {
    v1::AuditEntry sealed = e;
    sealed.set_seq(seq);
    EXPECT_EQ(audit::CanonicalBytesOfAppend(seq, a.payload), audit::CanonicalBytes(sealed)) << seq;
  }
}

TEST(AuditAppendTest, AnAppendCarriesTheIndexPrefixesOfItsEntry) {
  v1::AuditEntry e = Entry(4);  // agency-1, case-4
  e.set_requested_case_id("case-9");  // asked for, not listed: indexed too
  e.add_party_hmacs("h1");
  e.set_searched_party_hmac("h2");
  const Append a = audit::EntryAppend(e);
  std::vector<std::string> prefixes;
  for (const IndexPrefix& ix : a.index) {
    EXPECT_EQ(ix.table, Table::kAuditIndex);
    prefixes.push_back(ix.prefix);
  }
  const std::string micros = CommitPipeline::SequenceKey(
      static_cast<uint64_t>(absl::ToUnixMicros(absl::FromUnixSeconds(1700000004))));
  EXPECT_THAT(prefixes, ::testing::UnorderedElementsAre(
                            audit::CaseIndexPrefix("case-4"), audit::CaseIndexPrefix("case-9"),
                            audit::AgencyIndexPrefix("agency-1") + micros,
                            audit::PartyIndexPrefix("h1"), audit::PartyIndexPrefix("h2")));
}

TEST_F(AuditChainTest, AnAppendThatCarriesASeqIsRefusedAndChainsNothing) {
  v1::AuditEntry e = Entry(1);
  e.set_seq(42);
  CommitRequest req;
  req.appends.push_back({Table::kAuditLog, e.SerializeAsString(), {}});
  auto r = pipeline_->Commit(std::move(req));
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("EntryAppend"));
  ASSERT_TRUE(Append(1).ok());  // the chain goes on at seq 1
  EXPECT_EQ(chain_->head_seq(), 1u);
}

TEST_F(AuditChainTest, IndexFindsEntriesByCaseAgencyAndParty) {
  CommitRequest req;
  v1::AuditEntry e = Entry(1);
  e.add_party_hmacs(audit::HmacSha256("k", "510181198503121235"));
  req.appends.push_back(audit::EntryAppend(e));
  ASSERT_TRUE(pipeline_->Commit(std::move(req)).ok());
  AppendN(3);
  auto by_case = QueryAuditByCase(*db_, "case-1", 10);
  ASSERT_TRUE(by_case.ok());
  EXPECT_EQ(by_case->entries.size(), 2u);
  auto by_party = QueryAuditByParty(*db_, audit::HmacSha256("k", "510181198503121235"), 10);
  ASSERT_TRUE(by_party.ok());
  ASSERT_EQ(by_party->entries.size(), 1u);
  EXPECT_EQ(by_party->entries[0].seq(), 1u);
  auto by_agency = QueryAuditByAgency(*db_, "agency-1", absl::FromUnixSeconds(1700000000),
                                      absl::FromUnixSeconds(1700000002), 10);
  ASSERT_TRUE(by_agency.ok());
  EXPECT_EQ(by_agency->entries.size(), 2u);  // Entry(1), twice
}

TEST_F(AuditChainTest, ExportVerifiesAndAnAlteredExportDoesNot) {
  AppendN(10);
  StopServer();
  std::ostringstream out;
  auto n = ExportAuditLog(*db_, 1, 0, out);
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 10u);
  auto ok = VerifyAuditExport(out.str(), signer_->public_key_pem());
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_TRUE(ok->ok()) << ok->Summary();
  std::string text = out.str();
  size_t pos = text.find("purpose-7");
  ASSERT_NE(pos, std::string::npos);
  text[pos] = 'X';
  auto bad = VerifyAuditExport(text, signer_->public_key_pem());
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->problem, AuditProblem::kChanged) << bad->Summary();
  EXPECT_EQ(bad->seq, 7u);
}

// --- the start of the log, its head, and a checkpoint past the head -------

// Entries 1..5 and their index keys deleted, the checkpoints kept: until the
// verifier held a database's log to start at seq 1, entry 6 anchored the
// chain and this verified OK.
TEST_F(AuditChainTest, TheDeletedStartOfTheLogIsMissingAtSeqOne) {
  AppendN(10);
  StopServer();
  ASSERT_TRUE(Verify(signer_->public_key_pem()).ok());
  for (uint64_t seq = 1; seq <= 5; ++seq) DeleteEntryAndIndex(seq);
  AuditVerifyReport r = Verify(signer_->public_key_pem());
  EXPECT_EQ(r.problem, AuditProblem::kMissing) << r.Summary();
  EXPECT_EQ(r.seq, 1u);
  EXPECT_THAT(r.detail, HasSubstr("entries 1..5 are missing"));
  EXPECT_THAT(r.detail, HasSubstr("starts at seq 1"));
  // The integrity check after a restore verifies the log the same way.
  auto integrity = CheckIntegrity(*db_, std::string(32, 'k'), signer_->public_key_pem());
  ASSERT_TRUE(integrity.ok()) << integrity.status();
  EXPECT_EQ(integrity->audit.problem, AuditProblem::kMissing) << integrity->Summary();
  EXPECT_EQ(integrity->audit.seq, 1u);
}

// Entry 1 and every checkpoint deleted, entry 3 rewritten and 3..10
// re-chained: nothing signed is left, and the rest starts at 2. Even
// with the key and checkpoint_every 1, this used to verify OK.
TEST_F(AuditChainTest, ADeletedFirstEntryWithoutCheckpointsAndARechainedRestIsNotOk) {
  AppendN(10);
  StopServer();
  DeleteEntryAndIndex(1);
  DeleteCheckpointsAbove(0);
  std::string prev;
  for (uint64_t seq = 3; seq <= 10; ++seq) {
    v1::AuditEntry e;
    ASSERT_TRUE(e.ParseFromString(Get(Table::kAuditLog, seq)));
    if (seq == 3) {
      prev = e.prev_hash();
      e.set_purpose("nothing to see");  // not indexed: the index still fits
    }
    e.set_prev_hash(prev);
    e.set_hash(audit::ChainHash(prev, audit::CanonicalBytes(e)));
    prev = e.hash();
    Set(Table::kAuditLog, seq, e.SerializeAsString());
  }
  AuditVerifyReport r = Verify(signer_->public_key_pem(), 1);
  EXPECT_FALSE(r.ok()) << r.Summary();
  EXPECT_EQ(r.problem, AuditProblem::kMissing) << r.Summary();
  EXPECT_EQ(r.seq, 1u);
}

// Entry 1 deleted, its index keys left behind: a finding (exit 3 in the
// tool), not a failed run (it used to end in "reading access-log entry 1:
// NotFound", exit 2).
TEST_F(AuditChainTest, ADeletedFirstEntryWhoseIndexKeysAreLeftIsAProblemNotAnError) {
  AppendN(10);
  StopServer();
  ASSERT_FALSE(IndexKeysOf(1).empty());
  Delete(Table::kAuditLog, 1);
  auto r = VerifyAuditLog(*db_, signer_->public_key_pem());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->ok());
  EXPECT_EQ(r->problem, AuditProblem::kMissing) << r->Summary();
  EXPECT_EQ(r->seq, 1u);
  auto integrity = CheckIntegrity(*db_, std::string(32, 'k'), signer_->public_key_pem());
  ASSERT_TRUE(integrity.ok()) << integrity.status();
  EXPECT_FALSE(integrity->audit.ok());
}

// An export of a range keeps its anchor: it starts at its first entry.
TEST_F(AuditChainTest, ARangedExportStillStartsAtItsFirstEntry) {
  AppendN(10);
  StopServer();
  std::ostringstream out;
  ASSERT_TRUE(ExportAuditLog(*db_, 4, 0, out).ok());
  auto r = VerifyAuditExport(out.str(), signer_->public_key_pem());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->ok()) << r->Summary();
  EXPECT_EQ(r->first_seq, 4u);
}

// A rollback to an older copy (the tail and its checkpoints gone) verifies
// OK on its own: nothing inside the database anchors its head. A head
// recorded outside it (the OK line's "head SEQ:HASH") tells.
TEST_F(AuditChainTest, AnExpectedHeadTellsARollbackOfTheWholeDatabase) {
  Close();
  every_ = 10;
  Open();
  AppendN(25);
  StopServer();  // checkpoints at 1, 11, 21 and the final one at 25
  AuditVerifyReport intact = Verify(signer_->public_key_pem());
  ASSERT_TRUE(intact.ok()) << intact.Summary();
  ASSERT_EQ(intact.last_seq, 25u);
  const std::string head_text = absl::StrCat("25:", intact.head_hash_hex);
  EXPECT_THAT(intact.Summary(), HasSubstr("head " + head_text));
  auto head = ParseAuditHead(head_text);
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_TRUE(Verify(signer_->public_key_pem(), 10, *head).ok());

  AuditHead wrong = *head;
  wrong.hash[0] ^= 1;
  AuditVerifyReport changed = Verify(signer_->public_key_pem(), 10, wrong);
  EXPECT_EQ(changed.problem, AuditProblem::kChanged) << changed.Summary();
  EXPECT_EQ(changed.seq, 25u);

  v1::AuditEntry e11;
  ASSERT_TRUE(e11.ParseFromString(Get(Table::kAuditLog, 11)));
  for (uint64_t seq = 12; seq <= 25; ++seq) DeleteEntryAndIndex(seq);
  DeleteCheckpointsAbove(11);
  // The stated limit: without the recorded head, the older copy is intact.
  ASSERT_TRUE(Verify(signer_->public_key_pem(), 10).ok());

  AuditVerifyReport rolled_back = Verify(signer_->public_key_pem(), 10, AuditHead{25, ""});
  EXPECT_EQ(rolled_back.problem, AuditProblem::kMissing) << rolled_back.Summary();
  EXPECT_EQ(rolled_back.seq, 12u);
  EXPECT_THAT(rolled_back.detail, HasSubstr("rolled back"));
  rolled_back = Verify(signer_->public_key_pem(), 10, *head);
  EXPECT_EQ(rolled_back.problem, AuditProblem::kMissing) << rolled_back.Summary();
  EXPECT_EQ(rolled_back.seq, 12u);
  // The head of when this copy was made is what it holds.
  EXPECT_TRUE(Verify(signer_->public_key_pem(), 10, AuditHead{11, e11.hash()}).ok());
}

TEST(AuditHeadTest, ParsesSeqAndHashAndRefusesAnythingElse) {
  auto seq_only = ParseAuditHead("42");
  ASSERT_TRUE(seq_only.ok()) << seq_only.status();
  EXPECT_EQ(seq_only->seq, 42u);
  EXPECT_TRUE(seq_only->hash.empty());
  const std::string hash(32, '\xab');
  auto both = ParseAuditHead("7:" + audit::Hex(hash));
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_EQ(both->seq, 7u);
  EXPECT_EQ(both->hash, hash);
  const std::string not_hex = "7:zz" + std::string(62, '0');  // the right length
  for (const std::string& bad : {std::string(), std::string("0"), std::string("x"), std::string("-1"),
                                 std::string("7:"), std::string("7:abcd"), not_hex}) {
    EXPECT_TRUE(absl::IsInvalidArgument(ParseAuditHead(bad).status())) << bad;
  }
}

// A signed checkpoint past the head (entries 9 and 10 deleted, the final
// checkpoint at 10 kept): the server used to extend the log, and verify
// then blamed the new, legitimate entries.
TEST_F(AuditChainTest, TheChainRefusesALogItsLastCheckpointIsPast) {
  AppendN(10);
  StopServer();  // the final checkpoint names seq 10
  DeleteEntryAndIndex(10);
  DeleteEntryAndIndex(9);
  absl::Status s = AttachAgain();
  EXPECT_TRUE(absl::IsDataLoss(s)) << s;
  EXPECT_THAT(s.message(), HasSubstr("ends at seq 8 but its last signed checkpoint names seq 10"));
  EXPECT_THAT(s.message(), HasSubstr("caselink-admin audit verify"));
}

TEST_F(AuditChainTest, TheChainRefusesAHeadItsCheckpointNamesWithAnotherHash) {
  AppendN(10);
  StopServer();  // the final checkpoint names seq 10 and its hash
  ASSERT_TRUE(AttachAgain().ok());  // the control: an intact log is extended
  v1::AuditEntry e;
  ASSERT_TRUE(e.ParseFromString(Get(Table::kAuditLog, 10)));
  e.set_purpose("nothing to see");
  e.set_hash(audit::ChainHash(e.prev_hash(), audit::CanonicalBytes(e)));
  Set(Table::kAuditLog, 10, e.SerializeAsString());
  absl::Status s = AttachAgain();
  EXPECT_TRUE(absl::IsDataLoss(s)) << s;
  EXPECT_THAT(s.message(), HasSubstr("its last signed checkpoint names that seq with hash"));
}

}  // namespace
}  // namespace caselink::storage
