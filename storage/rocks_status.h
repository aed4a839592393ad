// Translation of rocksdb::Status into absl::Status, so no RocksDB type crosses
// the storage boundary. Lock timeouts and write conflicts become ABORTED
// (the caller may retry); corruption becomes DATA_LOSS.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rocksdb/status.h"

namespace caselink::storage {

// `what` names the operation for the message, e.g. "reading case C1".
// A full disk (NoSpace, ENOSPC) is UNAVAILABLE saying so, marked for
// IsStorageFull.
absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what);

// Whether `s` came from a write that failed because the disk is full.
bool IsStorageFull(const absl::Status& s);

// Whether `s` is RocksDB's own failure (made by FromRocks): its message holds
// RocksDB's text (file paths, checksums) for the operator, and
// StorageOperation(s) the `what` it was made with ("reading a case").
bool IsStorageError(const absl::Status& s);
std::string StorageOperation(const absl::Status& s);

}  // namespace caselink::storage
