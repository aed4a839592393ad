// Baseline B of caselink_bench: raw RocksDB synced single-key Puts of ~400-byte
// values from N threads into a fresh database (default options, WAL synced on
// every write: WriteOptions::sync = true), in a temporary directory that is
// removed afterwards. What the disk and RocksDB's group commit allow, with no
// caselink code in the way.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "load_driver.h"

namespace caselink::bench {

// `dir` must not exist yet or be empty; it is removed after the run.
absl::StatusOr<LoadResult> RunRocksDbSyncedPuts(const std::string& dir, const LoadOptions& options,
                                                int value_bytes = 400);

}  // namespace caselink::bench
