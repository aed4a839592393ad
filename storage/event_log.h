// EventLog: the sequenced log of workflow events (kEvents) and its
// per-agency index (kEventIndex: agency \0 cursor -> the event's sequence
// key). Events are appended through the CommitPipeline in the same batch as
// the change they describe, each with one counted index key per addressee
// (IndexPrefix::counted), so an agency's cursors are 1, 2, 3, … for its own
// events: commit order, no gaps or repeats, and nothing about how many
// events other agencies got. A database from before the count keeps its
// older keys (agency \0 seq -> ""), read the same; new cursors continue
// after them. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "caselink/v1/workflow_storage.pb.h"
#include "storage/commit_pipeline.h"
#include "storage/database.h"

namespace caselink::storage {

class EventLog {
 public:
  explicit EventLog(Database* db) : db_(db) {}

  // The Append that stores `event` and its index keys (its cursor is
  // assigned on commit).
  static Append MakeAppend(const v1::StoredEvent& event);

  // Up to `limit` events addressed to `agency` with cursor > `after`, in
  // cursor order, each with its cursor set; it stops before the first event
  // whose sequence number is above `up_to_seq` (not yet synced, say), and
  // then sets `*held_back` if given.
  absl::StatusOr<std::vector<v1::Event>> Read(const std::string& agency, uint64_t after, int limit,
                                              uint64_t up_to_seq = UINT64_MAX,
                                              bool* held_back = nullptr) const;

  // The highest cursor issued to `agency` (0 if none): a Watch asking to
  // resume after a higher one names a cursor this database never gave it
  // (one from a database since restored from an older backup, say).
  absl::StatusOr<uint64_t> LastCursor(const std::string& agency) const;

  static std::string IndexPrefix(const std::string& agency);
  static std::string IndexKey(const std::string& agency, uint64_t cursor);

 private:
  Database* db_;
};

}  // namespace caselink::storage
