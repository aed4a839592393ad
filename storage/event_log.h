// EventLog: the sequenced log of workflow events (kEvents) and its
// per-agency index (kEventIndex: agency \0 seq). Events are appended through
// the CommitPipeline in the same batch as the change they describe, each
// with one index key per addressee, completed by the pipeline with the
// sequence number (the event's cursor). Readers walk the index of their
// agency from a cursor, so each agency sees exactly its events, in commit
// order, with no gaps or repeats. Thread-safe.
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
  // cursor order, each with its cursor set.
  absl::StatusOr<std::vector<v1::Event>> Read(const std::string& agency, uint64_t after,
                                              int limit) const;

  static std::string IndexPrefix(const std::string& agency);
  static std::string IndexKey(const std::string& agency, uint64_t seq);

 private:
  Database* db_;
};

}  // namespace caselink::storage
