// WorkflowStore: the one durable write path of workflow items (transfers,
// supervision records). Apply() serializes on the item and the idempotency
// key, reads the current head, lets the caller decide the transition, and
// commits head + history step + request record + whatever the caller adds
// (case links, events, the access-log entry) as ONE synced batch through the
// CommitPipeline: a failed batch stores none of it. A retry with
// the same request_id is answered from the stored step; nothing is rewritten.
// Item-agnostic: items are opaque bytes here. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/commit_pipeline.h"
#include "storage/database.h"
#include "storage/key_locks.h"

namespace caselink::storage {

// Where one kind of item lives.
struct ItemTables {
  Table head;     // id -> latest item
  Table history;  // id \0 step(be64) -> StoredStep
};

// What a transition writes, decided by the caller from the current head.
struct TransitionWrite {
  std::string item_after;       // serialized item after the step
  int64_t step = 0;             // its step number (1 for the creation)
  std::string transition;       // serialized Transition of the step
  std::vector<Put> puts;        // extra puts (case links)
  std::vector<Append> appends;  // log records (events)
};

struct TransitionCommand {
  ItemTables tables;
  std::string agency;          // the caller, owner of the idempotency key
  std::string request_id;
  std::string request_digest;  // to tell a retry from a reuse of the key (typed)
  // The untyped digest of the same request, which records stored before
  // digests were typed hold: a retry of such a request across the upgrade
  // is still a retry. Empty: only `request_digest` matches.
  std::string legacy_request_digest;
  std::string item_id;         // a fresh id for a creation
  bool create = false;
  // Called under the item's lock with the current head (nullopt when
  // creating). An error aborts the transition; nothing is written.
  std::function<absl::StatusOr<TransitionWrite>(const std::optional<std::string>& head)> decide;
  // Called after `decide`, just before the commit: what it adds (the call's
  // access-log entry) is written in the transition's own batch. An error
  // aborts the transition; nothing is written.
  std::function<absl::Status(CommitRequest* commit)> attach;
};

struct TransitionOutcome {
  std::string item_after;
  bool replayed = false;
};

// Whether Apply's error says the item itself does not exist, as against a
// NotFound of `decide` (a case or document the action names), which the
// caller must hear as it is.
bool IsMissingItem(const absl::Status& s);

class WorkflowStore {
 public:
  WorkflowStore(Database* db, CommitPipeline* pipeline) : db_(db), pipeline_(pipeline) {}

  // Errors: NotFound (no such item, for an action: IsMissingItem), AlreadyExists (request_id
  // reused for a different request: another digest, or a step of another
  // kind of item or of another item), Aborted (id collision on creation), the
  // errors of `decide` and of the pipeline.
  absl::StatusOr<TransitionOutcome> Apply(const TransitionCommand& cmd);

  // The latest item, or NotFound.
  absl::StatusOr<std::string> Head(Table head, const std::string& id) const;
  // The serialized StoredStep records of an item, oldest first.
  absl::StatusOr<std::vector<std::string>> History(Table history, const std::string& id) const;
  // Calls `fn` with (id, head bytes) for items after `start_after`, in id
  // order, until it returns false; as of snapshot `at` if given.
  absl::Status ScanHeads(Table head, const std::string& start_after,
                         const std::function<bool(const std::string&, const std::string&)>& fn,
                         const rocksdb::Snapshot* at = nullptr) const;

  static std::string HistoryKey(const std::string& id, int64_t step);
  static std::string RequestKeyOf(const std::string& agency, const std::string& request_id);

 private:
  absl::StatusOr<TransitionOutcome> Replay(const TransitionCommand& cmd, const std::string& record) const;

  Database* db_;
  CommitPipeline* pipeline_;
  KeyLocks locks_;
};

}  // namespace caselink::storage
