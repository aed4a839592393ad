// The RocksDB database behind caselink: one DB with a column family per
// logical table. Every write goes through CommitPipeline as one synced
// WriteBatch, so an acknowledged write survives a crash. Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "rocksdb/db.h"

namespace caselink::storage {

// The logical tables. Their names are part of the on-disk format; the order
// here is not. Tables marked "log" are sequenced logs (key = be64 sequence),
// appended only through CommitPipeline.
enum class Table {
  kCaseVersions,       // case_id \0 version(be64) -> superseded Case (immutable)
  kCaseHeads,          // case_id -> latest Case (moves into kCaseVersions when superseded)
  kRequests,           // agency \0 request_id -> RequestRecord (idempotency)
  kMeta,               // format version and other singletons
  kAuditLog,           // log: access-log entries, hash-chained
  kAuditCheckpoints,   // seq(be64) -> signed checkpoint
  kAuditIndex,         // secondary keys of the access log -> seq
  kTransfers,          // transfer_id -> latest Transfer
  kTransferHistory,    // transfer_id \0 step(be64) -> transition (immutable)
  kSupervision,        // record_id -> latest supervision record
  kSupervisionHistory, // record_id \0 step(be64) -> transition (immutable)
  kCaseLinks,          // case_id \0 agency -> link kind (row visibility)
  kEvents,             // log: events addressed to agencies
  kEventIndex,         // agency \0 cursor(be64) -> event seq(be64) (per-agency count; older keys: agency \0 seq -> "")
  kCaseIndex,          // search index keys of cases -> ""
  kDocuments,          // document_id -> Document (immutable)
  kItemDocuments,      // item_id \0 document_id -> "" (an item's documents; under "~draft:AGENCY" an
                       // agency's drafts, under "~attached:AGENCY" those of them attached to an item)
  kDocumentContent,    // sha256 (32 bytes) -> DocumentContent (written once)
  kDocumentBlobs,      // blob_id \0 chunk(be32) -> bytes (BlobDB: values in blob files)
  kScreeningHits,      // case_id \0 rule_id -> ScreeningHit (an index: latest version x rules)
  kHitDismissals,      // case_id \0 rule_id \0 time(be64) -> dismissed ScreeningHit (immutable)
  kRectifications,     // rectification_id -> latest Rectification (整改通知)
  kRectificationHistory,  // rectification_id \0 step(be64) -> StoredStep (immutable)
  kDecisions,          // decision_id -> latest DecisionItem (议定事项)
  kDecisionHistory,    // decision_id \0 step(be64) -> StoredStep (immutable)
  kCampaigns,          // campaign_id -> Campaign (immutable)
  kSamples,            // campaign_id \0 case_id -> SampledCase; campaign_id -> Sample draw (immutable)
  kReviews,            // campaign_id \0 case_id \0 agency \0 version(be64) -> Review (immutable)
  kMeetings,           // meeting_id -> Meeting (immutable)
  kCaseDates,          // report date \0 case_id -> "" (an index of the latest versions)
  kCount,              // not a table
};

// The table's column-family name (its on-disk name), e.g. "case_heads".
const char* TableName(Table t);

// The tables that are sequenced logs.
std::vector<Table> LogTables();

struct BackupResult;  // backup.h

class Database {
 public:
  // Opens (creating if missing) the database at `path`, with every table.
  // A directory that is not a caselink database, or a corrupted one, is an
  // error naming the path; it never crashes. `env`: tests only (a
  // fault-injecting file system, tests/support/fault_injection_fs.h); null
  // is the real one. It must outlive the Database.
  static absl::StatusOr<std::unique_ptr<Database>> Open(const std::string& path,
                                                        rocksdb::Env* env = nullptr);
  // Opens an existing database read-only (offline tools such as `caselink
  // audit verify`); never writes, works on a copy or beside no server.
  static absl::StatusOr<std::unique_ptr<Database>> OpenReadOnly(const std::string& path);
  ~Database();

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Reads, of any table. There is no write here on purpose: every write
  // goes through CommitPipeline (one synced batch, sealed logs, listeners),
  // the only class given the raw DB besides the backup engine.
  rocksdb::Status Get(const rocksdb::ReadOptions& ro, Table t, const rocksdb::Slice& key,
                      std::string* value) const;
  // False if the key is certainly absent (answered from memtables and
  // bloom filters, without reading a data block); true means "read it".
  bool KeyMayExist(const rocksdb::ReadOptions& ro, Table t, const rocksdb::Slice& key) const;
  std::unique_ptr<rocksdb::Iterator> NewIterator(const rocksdb::ReadOptions& ro, Table t) const;
  void MultiGet(const rocksdb::ReadOptions& ro, Table t, size_t n, const rocksdb::Slice* keys,
                rocksdb::PinnableSlice* values, rocksdb::Status* statuses, bool sorted_input) const;
  // A consistent view for several reads; released when the last copy goes.
  std::shared_ptr<const rocksdb::Snapshot> Snapshot() const;
  // RocksDB's estimate of the bytes a table holds in [start, limit), files
  // and memtables: cheap (no data read), rough for small tables.
  uint64_t ApproximateSize(Table t, const rocksdb::Slice& start, const rocksdb::Slice& limit) const;
  // A RocksDB integer property of a table ("rocksdb.estimate-num-keys"...).
  bool GetIntProperty(Table t, const rocksdb::Slice& property, uint64_t* value) const;
  // Flushes every table's memtable to files (benchmarks; backups flush
  // themselves).
  absl::Status Flush();

  rocksdb::ColumnFamilyHandle* cf(Table t) const;
  const std::string& path() const { return path_; }

  // Options for every acknowledged write: synced WAL.
  static rocksdb::WriteOptions DurableWrite();

 private:
  friend class CommitPipeline;
  // tests/support/raw_db.h: tests that tamper with stored bytes on purpose.
  friend struct RawDbForTest;
  friend absl::StatusOr<BackupResult> CreateBackup(Database* db, const std::string& backup_dir);
  rocksdb::DB* raw() const { return db_.get(); }

  Database() = default;
  std::string path_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // index = Table
  rocksdb::ColumnFamilyHandle* default_cf_ = nullptr;
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace caselink::storage
