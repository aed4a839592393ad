// MeetingStore keeps the recorded meetings (meeting.proto):
//   kMeetings   meeting_id -> Meeting, written once: a meeting record is fixed
//               (its minutes are documents attached to it, not edits).
// A creation writes the meeting, its idempotency record (kRequests under
// "m\0agency\0request_id") and whatever the caller adds (attached drafts, the
// access-log entry) as one synced batch; a retry is answered from the record.
// Meetings are few (hundreds a year): reads scan them all. Thread-safe.
#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "caselink/v1/meeting.pb.h"
#include "storage/commit_pipeline.h"
#include "storage/database.h"
#include "storage/key_locks.h"

namespace caselink::storage {

struct CreateMeetingCommand {
  std::string agency;  // the convener, owner of the idempotency key
  std::string request_id;
  std::string request_digest;  // to tell a retry from a reuse of the key
  std::string meeting_id;      // a fresh id
  // Called under the request's lock only for a new request: the meeting to
  // store; what it adds to `commit` goes in the same batch. An error aborts
  // the creation; nothing is written.
  std::function<absl::StatusOr<v1::Meeting>(CommitRequest* commit)> build;
};

struct CreateMeetingOutcome {
  v1::Meeting meeting;
  // True if request_id answered the same request before: nothing was written.
  bool replayed = false;
};

class MeetingStore {
 public:
  MeetingStore(Database* db, CommitPipeline* pipeline) : db_(db), pipeline_(pipeline) {}

  // Errors: AlreadyExists (request_id reused for a different request),
  // Aborted (id collision), the errors of `build` and of the pipeline.
  absl::StatusOr<CreateMeetingOutcome> Create(const CreateMeetingCommand& cmd);

  // The meeting, or NotFound.
  absl::StatusOr<v1::Meeting> Get(const std::string& id) const;
  // Every meeting, in id order, until `fn` returns false.
  absl::Status ForEach(const std::function<bool(const v1::Meeting&)>& fn) const;

  static Put MeetingPut(const v1::Meeting& meeting);
  // DataLoss naming the table if `bytes` is no Meeting.
  static absl::StatusOr<v1::Meeting> Parse(const std::string& bytes);
  static std::string RequestKeyOf(const std::string& agency, const std::string& request_id);

 private:
  Database* db_;
  CommitPipeline* pipeline_;
  KeyLocks locks_;
};

}  // namespace caselink::storage
