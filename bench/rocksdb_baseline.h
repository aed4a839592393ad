// The raw RocksDB baselines: what the disk and RocksDB allow with no caselink
// code in the way. Each runs on a fresh database (default options, WAL synced
// on every write: WriteOptions::sync = true, as the store's durable commits)
// in a directory that is removed afterwards.
//   Baseline B of caselink_bench: synced single-key Puts of ~400-byte values
//   from N threads (RocksDB's group commit shares the fsyncs).
//   The import baseline of caselink_district_bench: pages of records, each
//   page one synced WriteBatch, as the store commits a SubmitCases page.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "load_driver.h"

namespace rocksdb {
class DB;
}

namespace caselink::bench {

// `dir` must not exist yet or be empty; it is removed after the run.
absl::StatusOr<LoadResult> RunRocksDbSyncedPuts(const std::string& dir, const LoadOptions& options,
                                                int value_bytes = 400);

// A fresh database that takes pages of records. Thread-safe.
class RocksDbPageLoader {
 public:
  // `dir` must not exist yet or be empty; it is removed with the loader.
  static absl::StatusOr<std::unique_ptr<RocksDbPageLoader>> Open(const std::string& dir);
  ~RocksDbPageLoader();

  // Writes `records` (key, value) as one WriteBatch, synced.
  absl::Status WritePage(const std::vector<std::pair<std::string, std::string>>& records);

 private:
  RocksDbPageLoader(std::string dir, std::unique_ptr<rocksdb::DB> db);

  std::string dir_;
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace caselink::bench
