#include "storage/event_log.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "caselink_common/status_macros.h"
#include "storage/rocks_status.h"

namespace caselink::storage {

std::string EventLog::IndexKey(const std::string& agency, uint64_t seq) {
  return absl::StrCat(agency, absl::string_view("\0", 1), CommitPipeline::SequenceKey(seq));
}

void EventLog::Install(CommitPipeline* pipeline) const {
  Sealer sealer;
  sealer.seal = [](uint64_t, const std::string& payload) -> absl::StatusOr<std::string> {
    return payload;
  };
  sealer.rollback = [](uint64_t) {};
  sealer.index = [](uint64_t seq, const std::string& payload) {
    std::vector<Put> puts;
    v1::StoredEvent ev;
    if (!ev.ParseFromString(payload)) return puts;  // MakeAppend wrote it; cannot happen
    for (const std::string& agency : ev.addressees()) {
      puts.push_back({Table::kEventIndex, IndexKey(agency, seq), ""});
    }
    return puts;
  };
  pipeline->SetSealer(Table::kEvents, std::move(sealer));
}

Append EventLog::MakeAppend(const v1::StoredEvent& event) {
  return Append{Table::kEvents, event.SerializeAsString()};
}

absl::StatusOr<std::vector<v1::Event>> EventLog::Read(const std::string& agency, uint64_t after,
                                                      int limit) const {
  const std::string prefix = absl::StrCat(agency, absl::string_view("\0", 1));
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
      const std::string seq_key = it->key().ToString().substr(prefix.size());
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
      e.set_cursor(CommitPipeline::DecodeSequenceKey(seq_key));
      out.push_back(std::move(e));
    }
    if (status.ok()) status = FromRocks(it->status(), "reading the event index");
  }
  CASELINK_RETURN_IF_ERROR(status);
  return out;
}

}  // namespace caselink::storage
