#include "storage/workflow_store.h"

#include <memory>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "caselink/v1/workflow_storage.pb.h"
#include "caselink_common/status_macros.h"
#include "storage/case_keys.h"
#include "storage/rocks_status.h"

namespace caselink::storage {

std::string WorkflowStore::HistoryKey(const std::string& id, int64_t step) {
  return CaseVersionKey(id, step);  // same shape: id \0 be64
}

std::string WorkflowStore::RequestKeyOf(const std::string& agency, const std::string& request_id) {
  // "w\0agency\0id" cannot collide with a case's "agency\0id": request ids
  // never contain '\0'.
  return RequestKey(absl::StrCat("w", absl::string_view("\0", 1), agency), request_id);
}

absl::StatusOr<TransitionOutcome> WorkflowStore::Replay(const TransitionCommand& cmd,
                                                        const std::string& record) const {
  v1::WorkflowRequestRecord rec;
  if (!rec.ParseFromString(record)) return absl::DataLossError("stored workflow request record is corrupted");
  const bool same_digest =
      rec.request_digest() == cmd.request_digest ||
      (!cmd.legacy_request_digest.empty() && rec.request_digest() == cmd.legacy_request_digest);
  if (!same_digest) {
    return absl::AlreadyExistsError(absl::StrCat(
        "request_id '", cmd.request_id,
        "' was already used for a different request; use a new request_id"));
  }
  auto different = [&] {
    return absl::AlreadyExistsError(absl::StrCat("request_id '", cmd.request_id,
                                                  "' was already used for a different request (item '",
                                                  rec.item_id(), "'); use a new request_id"));
  };
  // One namespace of keys serves every kind of item, and a digest (an
  // untyped one of an older record) can match a request of another kind or
  // on another item: the step it answered is then not this request's.
  if (!cmd.create && rec.item_id() != cmd.item_id) return different();
  std::string bytes;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cmd.tables.history,
                                     HistoryKey(rec.item_id(), rec.step()), &bytes);
  // Steps are never deleted: absent from this kind's history, the step is
  // one of another kind of item.
  if (s.IsNotFound()) return different();
  if (!s.ok()) return FromRocks(s, "reading the step a request_id answered");
  v1::StoredStep step;
  if (!step.ParseFromString(bytes)) return absl::DataLossError("stored workflow step is corrupted");
  return TransitionOutcome{step.item_after(), true};
}

namespace {

constexpr absl::string_view kMissingItemPayload = "caselink.storage/missing-item";

absl::Status MissingItem(const std::string& id) {
  absl::Status s = absl::NotFoundError(absl::StrCat("'", id, "' not found"));
  s.SetPayload(kMissingItemPayload, absl::Cord("1"));
  return s;
}

}  // namespace

bool IsMissingItem(const absl::Status& s) {
  return absl::IsNotFound(s) && s.GetPayload(kMissingItemPayload).has_value();
}

absl::StatusOr<TransitionOutcome> WorkflowStore::Apply(const TransitionCommand& cmd) {
  const std::string req_key = RequestKeyOf(cmd.agency, cmd.request_id);
  KeyLocks::Guard guard = locks_.Lock({req_key, cmd.item_id});

  std::string record;
  rocksdb::Status rs =
      db_->Get(rocksdb::ReadOptions(), Table::kRequests, req_key, &record);
  if (rs.ok()) return Replay(cmd, record);
  if (!rs.IsNotFound()) return FromRocks(rs, "reading the request record");

  std::string head_bytes;
  rocksdb::Status hs =
      db_->Get(rocksdb::ReadOptions(), cmd.tables.head, cmd.item_id, &head_bytes);
  std::optional<std::string> head;
  if (cmd.create) {
    if (hs.ok()) return absl::AbortedError("item id collision; retry the request");
    if (!hs.IsNotFound()) return FromRocks(hs, "reserving an item id");
  } else {
    if (hs.IsNotFound()) return MissingItem(cmd.item_id);
    if (!hs.ok()) return FromRocks(hs, "reading an item");
    head = std::move(head_bytes);
  }
  CASELINK_ASSIGN_OR_RETURN(TransitionWrite w, cmd.decide(head));

  v1::StoredStep step;
  if (!step.mutable_transition()->ParseFromString(w.transition)) {
    return absl::InternalError("transition does not parse");
  }
  step.set_item_after(w.item_after);
  v1::WorkflowRequestRecord rec;
  rec.set_request_digest(cmd.request_digest);
  rec.set_item_id(cmd.item_id);
  rec.set_step(w.step);

  CommitRequest commit;
  commit.puts.push_back({cmd.tables.head, cmd.item_id, w.item_after});
  commit.puts.push_back({cmd.tables.history, HistoryKey(cmd.item_id, w.step), step.SerializeAsString()});
  commit.puts.push_back({Table::kRequests, req_key, rec.SerializeAsString()});
  for (Put& p : w.puts) commit.puts.push_back(std::move(p));
  commit.appends = std::move(w.appends);
  if (cmd.attach) CASELINK_RETURN_IF_ERROR(cmd.attach(&commit));
  CASELINK_RETURN_IF_ERROR(pipeline_->Commit(std::move(commit)).status());
  return TransitionOutcome{std::move(w.item_after), false};
}

absl::StatusOr<std::string> WorkflowStore::Head(Table head, const std::string& id) const {
  std::string bytes;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), head, id, &bytes);
  if (s.IsNotFound()) return absl::NotFoundError(absl::StrCat("'", id, "' not found"));
  if (!s.ok()) return FromRocks(s, "reading an item");
  return bytes;
}

absl::StatusOr<std::vector<std::string>> WorkflowStore::History(Table history,
                                                                const std::string& id) const {
  const std::string prefix = CaseVersionPrefix(id);
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), history));
  std::vector<std::string> out;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    out.push_back(it->value().ToString());
  }
  CASELINK_RETURN_IF_ERROR(FromRocks(it->status(), "reading an item's history"));
  return out;
}

absl::Status WorkflowStore::ScanHeads(
    Table head, const std::string& start_after,
    const std::function<bool(const std::string&, const std::string&)>& fn,
    const rocksdb::Snapshot* at) const {
  rocksdb::ReadOptions ro;
  ro.snapshot = at;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, head));
  if (start_after.empty()) {
    it->SeekToFirst();
  } else {
    it->Seek(start_after);
    if (it->Valid() && it->key() == start_after) it->Next();
  }
  for (; it->Valid(); it->Next()) {
    if (!fn(it->key().ToString(), it->value().ToString())) break;
  }
  return FromRocks(it->status(), "listing items");
}

}  // namespace caselink::storage
