#include "storage/event_log.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "caselink_common/status_macros.h"
#include "storage/rocks_status.h"

namespace caselink::storage {

std::string EventLog::IndexPrefix(const std::string& agency) {
  return absl::StrCat(agency, absl::string_view("\0", 1));
}

std::string EventLog::IndexKey(const std::string& agency, uint64_t cursor) {
  return IndexPrefix(agency) + CommitPipeline::SequenceKey(cursor);
}

Append EventLog::MakeAppend(const v1::StoredEvent& event) {
  Append a{Table::kEvents, event.SerializeAsString(), {}};
  a.index.reserve(event.addressees_size());
  for (const std::string& agency : event.addressees()) {
    a.index.push_back({Table::kEventIndex, IndexPrefix(agency), /*counted=*/true});
  }
  return a;
}

absl::StatusOr<std::vector<v1::Event>> EventLog::Read(const std::string& agency, uint64_t after,
                                                      int limit, uint64_t up_to_seq,
                                                      bool* held_back) const {
  if (held_back != nullptr) *held_back = false;
  const std::string prefix = IndexPrefix(agency);
  // One snapshot for index and log, so an index key always finds its record.
  const std::shared_ptr<const rocksdb::Snapshot> snap = db_->Snapshot();
  rocksdb::ReadOptions ro;
  ro.snapshot = snap.get();
  std::vector<v1::Event> out;
  absl::Status status;
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, Table::kEventIndex));
    for (it->Seek(IndexKey(agency, after + 1));
         it->Valid() && it->key().starts_with(prefix) && static_cast<int>(out.size()) < limit;
         it->Next()) {
      const std::string cursor_key = it->key().ToString().substr(prefix.size());
      // The older layout's key ends with the sequence number itself.
      const std::string seq_key = it->value().empty() ? cursor_key : it->value().ToString();
      if (CommitPipeline::DecodeSequenceKey(seq_key) > up_to_seq) {
        if (held_back != nullptr) *held_back = true;
        break;
      }
      std::string bytes;
      rocksdb::Status s = db_->Get(ro, Table::kEvents, seq_key, &bytes);
      if (!s.ok()) {
        status = FromRocks(s, "reading an indexed event");
        break;
      }
      v1::StoredEvent ev;
      if (!ev.ParseFromString(bytes)) {
        status = absl::DataLossError("stored event is corrupted");
        break;
      }
      v1::Event e = std::move(*ev.mutable_event());
      e.set_cursor(CommitPipeline::DecodeSequenceKey(cursor_key));
      out.push_back(std::move(e));
    }
    if (status.ok()) status = FromRocks(it->status(), "reading the event index");
  }
  CASELINK_RETURN_IF_ERROR(status);
  return out;
}

absl::StatusOr<uint64_t> EventLog::LastCursor(const std::string& agency) const {
  const std::string prefix = IndexPrefix(agency);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), Table::kEventIndex));
  it->SeekForPrev(IndexKey(agency, UINT64_MAX));
  if (it->Valid() && it->key().starts_with(prefix)) {
    return CommitPipeline::DecodeSequenceKey(it->key().ToString().substr(prefix.size()));
  }
  CASELINK_RETURN_IF_ERROR(FromRocks(it->status(), "reading the event index"));
  return 0;
}

}  // namespace caselink::storage
