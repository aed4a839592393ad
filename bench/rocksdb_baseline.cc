#include "rocksdb_baseline.h"

#include <filesystem>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"

namespace caselink::bench {
namespace {

// Default options: the baselines measure RocksDB as anyone gets it, not tuned
// like the store.
absl::StatusOr<std::unique_ptr<rocksdb::DB>> OpenFresh(const std::string& dir) {
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &raw);
  if (!s.ok()) return absl::InternalError(absl::StrCat("rocksdb open ", dir, ": ", s.ToString()));
  return std::unique_ptr<rocksdb::DB>(raw);
}

void Remove(const std::string& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

rocksdb::WriteOptions Synced() {
  rocksdb::WriteOptions sync;
  sync.sync = true;
  return sync;
}

}  // namespace

absl::StatusOr<LoadResult> RunRocksDbSyncedPuts(const std::string& dir, const LoadOptions& o,
                                                int value_bytes) {
  auto opened = OpenFresh(dir);
  if (!opened.ok()) return opened.status();
  std::unique_ptr<rocksdb::DB> db = std::move(*opened);

  const rocksdb::WriteOptions sync = Synced();
  // Distinct keys per thread and call; values of printable filler.
  std::string value(value_bytes, 'v');
  std::vector<uint64_t> next(o.concurrency, 0);
  LoadResult r = RunThreadLoad("rocksdb_put", o, [&](int thread) -> std::string {
    std::string key = absl::StrCat("t", thread, "/", next[thread]++);
    rocksdb::Status st = db->Put(sync, key, value);
    return st.ok() ? "" : st.ToString();
  });
  db.reset();
  Remove(dir);
  return r;
}

absl::StatusOr<std::unique_ptr<RocksDbPageLoader>> RocksDbPageLoader::Open(const std::string& dir) {
  auto db = OpenFresh(dir);
  if (!db.ok()) return db.status();
  return std::unique_ptr<RocksDbPageLoader>(new RocksDbPageLoader(dir, std::move(*db)));
}

RocksDbPageLoader::RocksDbPageLoader(std::string dir, std::unique_ptr<rocksdb::DB> db)
    : dir_(std::move(dir)), db_(std::move(db)) {}

RocksDbPageLoader::~RocksDbPageLoader() {
  db_.reset();
  Remove(dir_);
}

absl::Status RocksDbPageLoader::WritePage(const std::vector<std::pair<std::string, std::string>>& records) {
  rocksdb::WriteBatch batch;
  for (const auto& [key, value] : records) batch.Put(key, value);
  rocksdb::Status s = db_->Write(Synced(), &batch);
  if (!s.ok()) return absl::InternalError(absl::StrCat("rocksdb write: ", s.ToString()));
  return absl::OkStatus();
}

}  // namespace caselink::bench
