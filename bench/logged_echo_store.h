// LoggedEchoStore: the least a logged read must do, for caselink_bench's
// `log_floor` and `read_floor` rows (issue 19). Beside the bare echo it reads one stored
// record (a RocksDB point read from the memtable/block cache) and, before the
// answer, writes an access-log entry of `entry_bytes` chained by SHA-256 to
// the previous one, with `index_keys` index keys, in one WriteBatch through
// the WAL (unsynced; a thread syncs the WAL every 10 ms, as caselinkd's lazy
// sync of reads' entries). No policy, no redaction, no validation, default
// RocksDB options: every design that answers a read only after its entry is
// written does at least this, so its rate bounds what GetCase can reach here
// (read_floor: the same read without the entry, so the floor's own log cost).
// Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace rocksdb {
class DB;
}

namespace caselink::bench {

struct LoggedEchoShape {
  int records = 1000;       // stored records a read picks from
  int record_bytes = 400;   // each record's size (the response)
  int entry_bytes = 420;    // the access-log entry written per read
  int index_keys = 4;       // index keys per entry (case, agency+time, parties)
};

class LoggedEchoStore {
 public:
  // Opens a fresh database in `dir` (which must not exist or be empty; it is
  // removed with the store) and stores `shape.records` records.
  static absl::StatusOr<std::unique_ptr<LoggedEchoStore>> Open(const std::string& dir,
                                                               const LoggedEchoShape& shape);
  ~LoggedEchoStore();

  // Reads record `n % records` and, if `write_entry`, writes its entry; the
  // record's bytes, or the error of either step.
  absl::StatusOr<std::string> Read(uint64_t n, bool write_entry);

 private:
  LoggedEchoStore(std::string dir, std::unique_ptr<rocksdb::DB> db, LoggedEchoShape shape);
  void SyncLoop();

  std::string dir_;
  std::unique_ptr<rocksdb::DB> db_;
  LoggedEchoShape shape_;
  absl::Mutex chain_mu_;
  std::string head_ ABSL_GUARDED_BY(chain_mu_);  // hash of the last entry
  uint64_t seq_ ABSL_GUARDED_BY(chain_mu_) = 0;
  std::atomic<bool> stop_{false};
  std::thread syncer_;
};

}  // namespace caselink::bench
