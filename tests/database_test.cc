// storage::Database against a real RocksDB in a temp dir: the column families
// it creates, persistence across reopen, and refusing (never crashing on)
// directories that are not, or no longer, a caselink database.
#include "support/raw_db.h"
#include "storage/database.h"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "support/temp_dir.h"

namespace caselink::storage {
namespace {

using ::caselink::testing::TempDir;
using ::caselink::testing::WriteFile;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<Table> AllTables() {
  std::vector<Table> out;
  for (int i = 0; i < static_cast<int>(Table::kCount); ++i) out.push_back(static_cast<Table>(i));
  return out;
}

// The family names are part of the on-disk format.
const std::vector<std::string> kFamilyNames = {
    "case_versions", "case_heads",  "requests",    "meta",       "audit_log",
    "audit_checkpoints", "audit_index", "transfers", "transfer_history", "supervision",
    "supervision_history", "case_links", "events", "event_index", "case_index",
    "documents", "item_documents", "document_content", "document_blobs", "screening_hits", "hit_dismissals",
    "rectifications", "rectification_history", "decisions", "decision_history", "campaigns", "samples",
    "reviews", "meetings", "case_dates"};

std::vector<std::string> ColumnFamiliesOnDisk(const std::string& path) {
  std::vector<std::string> names;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return names;
}

std::string Garbage(size_t n) {
  std::string g;
  for (size_t i = 0; i < n; ++i) g.push_back(static_cast<char>((i * 131 + 7) % 251));
  return g;
}

TEST(DatabaseTest, OpenCreatesEveryColumnFamily) {
  TempDir dir;
  const std::string path = dir.Join("db");
  {
    auto db = Database::Open(path);
    ASSERT_TRUE(db.ok()) << db.status();
    EXPECT_EQ((*db)->path(), path);
    std::vector<std::string> names;
    for (Table t : AllTables()) {
      rocksdb::ColumnFamilyHandle* h = (*db)->cf(t);
      ASSERT_NE(h, nullptr);
      names.push_back(h->GetName());
    }
    EXPECT_EQ(names, kFamilyNames);
    // The format version is recorded on creation.
    std::string format;
    ASSERT_TRUE(storage::RawDb((*db))->Get(rocksdb::ReadOptions(), (*db)->cf(Table::kMeta),
                                 "format_version", &format).ok());
    EXPECT_EQ(format, "2");
  }
  std::vector<std::string> want = kFamilyNames;
  want.push_back("default");
  EXPECT_THAT(ColumnFamiliesOnDisk(path), ::testing::UnorderedElementsAreArray(want));
}

TEST(DatabaseTest, DurableWriteIsSynced) {
  EXPECT_TRUE(Database::DurableWrite().sync);
  EXPECT_FALSE(Database::DurableWrite().disableWAL);
}

TEST(DatabaseTest, ReopenKeepsDataInEveryTable) {
  TempDir dir;
  const std::string path = dir.Join("db");
  {
    auto db = Database::Open(path);
    ASSERT_TRUE(db.ok()) << db.status();
    for (Table t : AllTables()) {
      ASSERT_TRUE(storage::RawDb((*db))->Put(Database::DurableWrite(), (*db)->cf(t), "k",
                                   (*db)->cf(t)->GetName()).ok());
    }
  }
  for (int round = 0; round < 2; ++round) {
    auto db = Database::Open(path);
    ASSERT_TRUE(db.ok()) << "round " << round << ": " << db.status();
    for (Table t : AllTables()) {
      std::string v;
      ASSERT_TRUE(storage::RawDb((*db))->Get(rocksdb::ReadOptions(), (*db)->cf(t), "k", &v).ok());
      EXPECT_EQ(v, (*db)->cf(t)->GetName());
    }
  }
}

TEST(DatabaseTest, ReopenWithFamilyAddedByNewerVersionWorks) {
  TempDir dir;
  const std::string path = dir.Join("db");
  {
    auto db = Database::Open(path);
    ASSERT_TRUE(db.ok()) << db.status();
    rocksdb::ColumnFamilyHandle* h = nullptr;
    ASSERT_TRUE(storage::RawDb((*db))->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), "future_table", &h).ok());
    ASSERT_TRUE(storage::RawDb((*db))->Put(Database::DurableWrite(), h, "x", "y").ok());
    ASSERT_TRUE(storage::RawDb((*db))->DestroyColumnFamilyHandle(h).ok());
    ASSERT_TRUE(storage::RawDb((*db))->Put(Database::DurableWrite(), (*db)->cf(Table::kCaseHeads), "c", "v").ok());
  }
  auto db = Database::Open(path);
  ASSERT_TRUE(db.ok()) << db.status();
  std::string v;
  ASSERT_TRUE(storage::RawDb((*db))->Get(rocksdb::ReadOptions(), (*db)->cf(Table::kCaseHeads), "c", &v).ok());
  EXPECT_EQ(v, "v");
  EXPECT_EQ((*db)->cf(Table::kMeta)->GetName(), "meta");
}

TEST(DatabaseTest, WrongFormatVersionIsFailedPrecondition) {
  TempDir dir;
  const std::string path = dir.Join("db");
  {
    auto db = Database::Open(path);
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE(storage::RawDb((*db))->Put(Database::DurableWrite(), (*db)->cf(Table::kMeta),
                                 "format_version", "7").ok());
  }
  auto db = Database::Open(path);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kFailedPrecondition) << db.status();
  EXPECT_THAT(db.status().message(), HasSubstr(path));
  EXPECT_THAT(db.status().message(), HasSubstr("format version 7"));
}

// Format 1 is upgraded on open (database.cc says why): the next open reads 2.
TEST(DatabaseTest, FormatOneIsUpgradedToTwoOnOpen) {
  TempDir dir;
  const std::string path = dir.Join("db");
  {
    auto db = Database::Open(path);
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE(storage::RawDb((*db))->Put(Database::DurableWrite(), (*db)->cf(Table::kMeta),
                                 "format_version", "1").ok());
  }
  for (int open = 0; open < 2; ++open) {
    auto db = Database::Open(path);
    ASSERT_TRUE(db.ok()) << db.status();
    std::string format;
    ASSERT_TRUE(storage::RawDb((*db))->Get(rocksdb::ReadOptions(), (*db)->cf(Table::kMeta),
                                   "format_version", &format).ok());
    EXPECT_EQ(format, "2");
  }
}

TEST(DatabaseTest, GarbageCurrentFileIsAnErrorNamingThePath) {
  TempDir dir;
  const std::string path = dir.Join("db");
  { ASSERT_TRUE(Database::Open(path).ok()); }
  ASSERT_TRUE(WriteFile(path + "/CURRENT", Garbage(300)).ok());
  auto db = Database::Open(path);
  ASSERT_FALSE(db.ok());
  EXPECT_THAT(db.status().message(), HasSubstr(path));
  EXPECT_NE(db.status().code(), absl::StatusCode::kUnknown);
}

TEST(DatabaseTest, CurrentNamingAMissingManifestIsAnError) {
  TempDir dir;
  const std::string path = dir.Join("db");
  { ASSERT_TRUE(Database::Open(path).ok()); }
  ASSERT_TRUE(WriteFile(path + "/CURRENT", "MANIFEST-999999\n").ok());
  auto db = Database::Open(path);
  ASSERT_FALSE(db.ok());
  EXPECT_THAT(db.status().message(), HasSubstr(path));
  // A damaged database, not someone's files: the operator is told to
  // restore, not to give an empty directory.
  EXPECT_EQ(db.status().code(), absl::StatusCode::kDataLoss) << db.status();
  EXPECT_THAT(db.status().message(), HasSubstr("restore the newest backup"));
  EXPECT_THAT(db.status().message(), Not(HasSubstr("give db_path an empty")));
}

TEST(DatabaseTest, GarbageManifestIsAnErrorNamingThePath) {
  TempDir dir;
  const std::string path = dir.Join("db");
  { ASSERT_TRUE(Database::Open(path).ok()); }
  int manifests = 0;
  for (const auto& e : std::filesystem::directory_iterator(path)) {
    if (e.path().filename().string().rfind("MANIFEST-", 0) == 0) {
      ASSERT_TRUE(WriteFile(e.path().string(), Garbage(4096)).ok());
      ++manifests;
    }
  }
  ASSERT_GT(manifests, 0);
  auto db = Database::Open(path);
  ASSERT_FALSE(db.ok());
  EXPECT_THAT(db.status().message(), HasSubstr(path));
  EXPECT_EQ(db.status().code(), absl::StatusCode::kDataLoss) << db.status();
}

TEST(DatabaseTest, PathThatIsARegularFileIsAnError) {
  TempDir dir;
  const std::string path = dir.Join("not-a-dir");
  ASSERT_TRUE(WriteFile(path, "hello").ok());
  auto db = Database::Open(path);
  ASSERT_FALSE(db.ok());
  EXPECT_THAT(db.status().message(), HasSubstr(path));
}

TEST(DatabaseTest, NonDatabaseFileTreeIsRefused) {
  // Someone's documents: a directory with files but no database in it.
  TempDir dir;
  const std::string path = dir.Join("docs");
  std::filesystem::create_directories(path + "/sub");
  ASSERT_TRUE(WriteFile(path + "/report.txt", "季度报告").ok());
  ASSERT_TRUE(WriteFile(path + "/sub/data.bin", Garbage(1000)).ok());
  auto db = Database::Open(path);
  if (db.ok()) {
    FAIL() << "regression: storage/database.cc Database::Open (create_if_missing=true) turns a "
                    "non-empty directory that is not a database into a new database instead of "
                    "refusing it as database.h promises";
  }
  EXPECT_THAT(db.status().message(), HasSubstr(path));
}

TEST(DatabaseTest, ForeignRocksDbIsRefused) {
  // A RocksDB that some other program made: not a caselink database.
  TempDir dir;
  const std::string path = dir.Join("other");
  {
    rocksdb::Options o;
    o.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(o, path, &raw).ok());
    std::unique_ptr<rocksdb::DB> other(raw);
    ASSERT_TRUE(other->Put(rocksdb::WriteOptions(), "their", "data").ok());
  }
  auto db = Database::Open(path);
  if (db.ok()) {
    FAIL() << "regression: storage/database.cc Database::Open adopts an existing non-caselink "
                    "RocksDB (no meta family / format_version) by creating the families and "
                    "writing format_version, instead of refusing it as database.h promises";
  }
  EXPECT_THAT(db.status().message(), HasSubstr(path));
}

TEST(DatabaseTest, OpenReadOnlyReadsAndNeverWrites) {
  TempDir dir;
  const std::string path = dir.Join("db");
  {
    auto db = Database::Open(path);
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE(storage::RawDb((*db))->Put(Database::DurableWrite(), (*db)->cf(Table::kCaseHeads), "c", "v").ok());
  }
  auto ro = Database::OpenReadOnly(path);
  ASSERT_TRUE(ro.ok()) << ro.status();
  std::string v;
  ASSERT_TRUE(storage::RawDb((*ro))->Get(rocksdb::ReadOptions(), (*ro)->cf(Table::kCaseHeads), "c", &v).ok());
  EXPECT_EQ(v, "v");
  EXPECT_FALSE(storage::RawDb((*ro))->Put(rocksdb::WriteOptions(), (*ro)->cf(Table::kCaseHeads), "d", "w").ok());
}

TEST(DatabaseTest, OpenReadOnlyRefusesMissingAndForeignDatabases) {
  TempDir dir;
  auto missing = Database::OpenReadOnly(dir.Join("none"));
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr(dir.Join("none")));
  EXPECT_FALSE(std::filesystem::exists(dir.Join("none")));

  const std::string path = dir.Join("other");
  {
    rocksdb::Options o;
    o.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(o, path, &raw).ok());
    delete raw;
  }
  auto foreign = Database::OpenReadOnly(path);
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.status().code(), absl::StatusCode::kFailedPrecondition) << foreign.status();
  EXPECT_THAT(foreign.status().message(), HasSubstr(path));
  EXPECT_THAT(foreign.status().message(), HasSubstr("not a caselink database"));
}

}  // namespace
}  // namespace caselink::storage
