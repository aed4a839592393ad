#include "rocksdb_baseline.h"

#include <filesystem>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"

namespace caselink::bench {

absl::StatusOr<LoadResult> RunRocksDbSyncedPuts(const std::string& dir, const LoadOptions& o,
                                                int value_bytes) {
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &raw);
  if (!s.ok()) return absl::InternalError(absl::StrCat("rocksdb open ", dir, ": ", s.ToString()));
  std::unique_ptr<rocksdb::DB> db(raw);

  rocksdb::WriteOptions sync;
  sync.sync = true;
  // Distinct keys per thread and call; values of printable filler.
  std::string value(value_bytes, 'v');
  std::vector<uint64_t> next(o.concurrency, 0);
  LoadResult r = RunThreadLoad("rocksdb_put", o, [&](int thread) -> std::string {
    std::string key = absl::StrCat("t", thread, "/", next[thread]++);
    rocksdb::Status st = db->Put(sync, key, value);
    return st.ok() ? "" : st.ToString();
  });
  db.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return r;
}

}  // namespace caselink::bench
