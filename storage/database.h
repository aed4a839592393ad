// The RocksDB database behind caselink: one TransactionDB with a column family
// per logical table. Every write goes through a synced WAL (RocksDB's group
// commit batches concurrent writers), so an acknowledged write survives a crash.
// Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "rocksdb/utilities/transaction_db.h"

namespace caselink::storage {

// The logical tables. Their names are part of the on-disk format.
enum class Table {
  kCaseVersions,  // case_id \0 version(be64) -> Case (immutable)
  kCaseHeads,     // case_id -> latest Case (an index, rewritten per version)
  kRequests,      // agency \0 request_id -> RequestRecord (idempotency)
  kMeta,          // format version and other singletons
};

class Database {
 public:
  // Opens (creating if missing) the database at `path`, with every table.
  // A directory that is not a caselink database, or a corrupted one, is an
  // error naming the path; it never crashes.
  static absl::StatusOr<std::unique_ptr<Database>> Open(const std::string& path);
  ~Database();

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  rocksdb::TransactionDB* db() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* cf(Table t) const;
  const std::string& path() const { return path_; }

  // Options for every acknowledged write: synced WAL.
  static rocksdb::WriteOptions DurableWrite();

 private:
  Database() = default;
  std::string path_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // index = Table
  rocksdb::ColumnFamilyHandle* default_cf_ = nullptr;
  std::unique_ptr<rocksdb::TransactionDB> db_;
};

}  // namespace caselink::storage
