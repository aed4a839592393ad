#include "storage/meeting_store.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "caselink/v1/workflow_storage.pb.h"
#include "caselink_common/status_macros.h"
#include "storage/case_keys.h"
#include "storage/rocks_status.h"

namespace caselink::storage {

std::string MeetingStore::RequestKeyOf(const std::string& agency, const std::string& request_id) {
  // "m\0agency\0id" cannot collide with a case's "agency\0id" nor a workflow
  // item's "w\0agency\0id": request ids never contain '\0'.
  return RequestKey(absl::StrCat("m", absl::string_view("\0", 1), agency), request_id);
}

Put MeetingStore::MeetingPut(const v1::Meeting& meeting) {
  return {Table::kMeetings, meeting.id(), meeting.SerializeAsString()};
}

absl::StatusOr<v1::Meeting> MeetingStore::Parse(const std::string& bytes) {
  v1::Meeting m;
  if (!m.ParseFromString(bytes)) return absl::DataLossError("a stored meeting (table meetings) is corrupted");
  return m;
}

absl::StatusOr<CreateMeetingOutcome> MeetingStore::Create(const CreateMeetingCommand& cmd) {
  const std::string req_key = RequestKeyOf(cmd.agency, cmd.request_id);
  KeyLocks::Guard guard = locks_.Lock({req_key, cmd.meeting_id});

  std::string record;
  rocksdb::Status rs = db_->Get(rocksdb::ReadOptions(), Table::kRequests, req_key, &record);
  if (rs.ok()) {
    // The same record type as workflow items: the digest and what it created.
    v1::WorkflowRequestRecord rec;
    if (!rec.ParseFromString(record)) return absl::DataLossError("stored meeting request record is corrupted");
    if (rec.request_digest() != cmd.request_digest) {
      return absl::AlreadyExistsError(absl::StrCat("request_id '", cmd.request_id,
                                                   "' was already used for a different request; use a new request_id"));
    }
    CASELINK_ASSIGN_OR_RETURN(v1::Meeting stored, Get(rec.item_id()));
    return CreateMeetingOutcome{std::move(stored), true};
  }
  if (!rs.IsNotFound()) return FromRocks(rs, "reading the request record");

  std::string existing;
  rocksdb::Status hs = db_->Get(rocksdb::ReadOptions(), Table::kMeetings, cmd.meeting_id, &existing);
  if (hs.ok()) return absl::AbortedError("meeting id collision; retry the request");
  if (!hs.IsNotFound()) return FromRocks(hs, "reserving a meeting id");

  CommitRequest commit;
  CASELINK_ASSIGN_OR_RETURN(v1::Meeting meeting, cmd.build(&commit));
  if (meeting.id() != cmd.meeting_id) return absl::InternalError("the built meeting has another id");
  v1::WorkflowRequestRecord rec;
  rec.set_request_digest(cmd.request_digest);
  rec.set_item_id(meeting.id());
  commit.puts.push_back(MeetingPut(meeting));
  commit.puts.push_back({Table::kRequests, req_key, rec.SerializeAsString()});
  CASELINK_RETURN_IF_ERROR(pipeline_->Commit(std::move(commit)).status());
  return CreateMeetingOutcome{std::move(meeting), false};
}

absl::StatusOr<v1::Meeting> MeetingStore::Get(const std::string& id) const {
  std::string bytes;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Table::kMeetings, id, &bytes);
  if (s.IsNotFound()) return absl::NotFoundError(absl::StrCat("meeting '", id, "' not found"));
  if (!s.ok()) return FromRocks(s, "reading a meeting");
  return Parse(bytes);
}

absl::Status MeetingStore::ForEach(const std::function<bool(const v1::Meeting&)>& fn) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), Table::kMeetings));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    CASELINK_ASSIGN_OR_RETURN(v1::Meeting m, Parse(it->value().ToString()));
    if (!fn(m)) break;
  }
  return FromRocks(it->status(), "listing meetings");
}

}  // namespace caselink::storage
