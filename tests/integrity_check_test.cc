// storage::CheckIntegrity over cases written by the real CaseStore into a
// real RocksDB: the head holds the latest version, the history every one it
// superseded; a missing, altered or stray version is reported, and a
// database of the older layout (the latest version in both) passes.
#include "storage/integrity_check.h"

#include <memory>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "caselink_common/district_time_zone.h"
#include "storage/case_keys.h"
#include "storage/case_store.h"
#include "storage/commit_pipeline.h"
#include "storage/database.h"
#include "support/raw_db.h"
#include "support/temp_dir.h"

namespace caselink::storage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kPartyKey(32, 'k');

class IntegrityCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open(dir_.Join("db"));
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    pipeline_ = std::make_unique<CommitPipeline>(db_.get());
    store_ = std::make_unique<CaseStore>(db_.get(), pipeline_.get(), kPartyKey);
    ASSERT_TRUE(store_->EnsureDateIndex().ok());
    // One case at version 3, one at version 1.
    id_ = Submit("r1", "", 0).case_id();
    Submit("r2", id_, 1);
    Submit("r3", id_, 2);
    Submit("r4", "", 0);
  }

  v1::Case Submit(const std::string& request_id, const std::string& case_id, int64_t expected) {
    SubmitCommand cmd;
    cmd.agency = "market";
    cmd.request_id = request_id;
    cmd.request_digest = request_id;
    cmd.content.set_case_id(case_id);
    cmd.content.set_domain(v1::MARKET_ORDER);
    cmd.content.set_title("title " + request_id);
    cmd.content.add_parties()->mutable_person()->set_id_number("510105199001011237");
    cmd.expected_version = expected;
    cmd.now = absl::Now();
    auto out = store_->Submit(cmd);
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? out->stored : v1::Case();
  }

  IntegrityReport Check() {
    auto r = CheckIntegrity(*db_, kPartyKey, "");
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : IntegrityReport();
  }

  std::string Raw(Table t, const std::string& key) {
    std::string v;
    EXPECT_TRUE(RawDb(db_)->Get(rocksdb::ReadOptions(), db_->cf(t), key, &v).ok());
    return v;
  }
  void Put(Table t, const std::string& key, const std::string& value) {
    ASSERT_TRUE(RawDb(db_)->Put(Database::DurableWrite(), db_->cf(t), key, value).ok());
  }

  testing::TempDir dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<CommitPipeline> pipeline_;
  std::unique_ptr<CaseStore> store_;
  std::string id_;
};

TEST_F(IntegrityCheckTest, WhatTheStoreWritesPassesAndEachVersionCountsOnce) {
  IntegrityReport r = Check();
  EXPECT_TRUE(r.ok()) << r.Summary();
  EXPECT_EQ(r.cases, 2u);
  EXPECT_EQ(r.versions, 4u);
}

TEST_F(IntegrityCheckTest, TheOlderLayoutWithTheLatestVersionInTheHistoryToo) {
  Put(Table::kCaseVersions, CaseVersionKey(id_, 3), Raw(Table::kCaseHeads, id_));
  IntegrityReport r = Check();
  EXPECT_TRUE(r.ok()) << r.Summary();
  EXPECT_EQ(r.versions, 4u);
}

TEST_F(IntegrityCheckTest, ASupersededVersionMissingFromTheHistoryIsReported) {
  ASSERT_TRUE(RawDb(db_)->Delete(rocksdb::WriteOptions(), db_->cf(Table::kCaseVersions), CaseVersionKey(id_, 2)).ok());
  IntegrityReport r = Check();
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.problem_count, 1u) << r.Summary();
  EXPECT_THAT(r.problems[0], HasSubstr("version 2, superseded by the head, is missing from the history"));
}

TEST_F(IntegrityCheckTest, AHistoryCopyOfTheHeadThatDiffersIsReported) {
  Put(Table::kCaseVersions, CaseVersionKey(id_, 3), Raw(Table::kCaseVersions, CaseVersionKey(id_, 2)));
  IntegrityReport r = Check();
  ASSERT_EQ(r.problem_count, 1u) << r.Summary();
  EXPECT_THAT(r.problems[0], HasSubstr("version 3 of the head is stored differently"));
}

TEST_F(IntegrityCheckTest, AVersionNewerThanTheHeadIsReported) {
  Put(Table::kCaseVersions, CaseVersionKey(id_, 4), Raw(Table::kCaseHeads, id_));
  IntegrityReport r = Check();
  ASSERT_EQ(r.problem_count, 1u) << r.Summary();
  EXPECT_THAT(r.problems[0], HasSubstr("a version newer than the head (3) exists"));
}

TEST_F(IntegrityCheckTest, TheDateIndexMustNameEachHeadUnderItsDate) {
  // The store's zone is the district's default (Asia/Shanghai).
  const std::string key = CaseDateKey(CaseStore::ReportDate(store_->Get(id_, 0).value(), DefaultDistrictTimeZone()), id_);
  ASSERT_TRUE(RawDb(db_)->Delete(rocksdb::WriteOptions(), db_->cf(Table::kCaseDates), key).ok());
  Put(Table::kCaseDates, CaseDateKey("2019-01-01", id_), "");
  IntegrityReport r = Check();
  ASSERT_EQ(r.problem_count, 2u) << r.Summary();
  EXPECT_THAT(r.Summary(), HasSubstr("date index: case " + id_ + " filed under '2019-01-01' matches no case's head"));
  EXPECT_THAT(r.Summary(), HasSubstr("date index: case " + id_ + " filed under '" + key.substr(0, 10) +
                                     "', of the case's head, is missing"));
}

// The report reaches the operator, who sees no case data: a stray search
// key is described by its kind and case, never by the name it holds.
TEST_F(IntegrityCheckTest, AStraySearchKeyIsReportedWithoutThePartysName) {
  const std::string name = "欧阳某某";
  Put(Table::kCaseIndex, absl::StrCat("n", name, std::string(1, '\0'), id_), "");
  IntegrityReport r = Check();
  ASSERT_EQ(r.problem_count, 1u) << r.Summary();
  EXPECT_THAT(r.problems[0], HasSubstr("search index: a party-name key of case " + id_ + " matches no case's head"));
  EXPECT_THAT(r.Summary(), Not(HasSubstr(absl::CHexEscape(name))));
  EXPECT_THAT(r.Summary(), Not(HasSubstr(name)));
}

TEST_F(IntegrityCheckTest, ADatabaseWithoutTheDateIndexYetIsNotFaultedForIt) {
  // Before EnsureDateIndex ran (no marker), the table is not checked.
  ASSERT_TRUE(RawDb(db_)->Delete(rocksdb::WriteOptions(), db_->cf(Table::kMeta), kCaseDatesZoneKey).ok());
  Put(Table::kCaseDates, CaseDateKey("2019-01-01", id_), "");
  IntegrityReport r = Check();
  EXPECT_TRUE(r.ok()) << r.Summary();
}

}  // namespace
}  // namespace caselink::storage
