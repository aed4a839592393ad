#include "server/workflow/deadline_reminders.h"

#include "absl/strings/str_cat.h"
#include "caselink/v1/workflow_storage.pb.h"
#include "caselink_common/proto_time.h"
#include "spdlog/spdlog.h"
#include "storage/event_log.h"
#include "server/workflow/item_event.h"
#include "workflow/deadline_reminder.h"
#include "workflow/item_machine.h"

namespace caselink::server {

std::string DeadlineReminders::MarkerKey(const std::string& item_id, int64_t due_seconds) {
  return absl::StrCat("reminder", std::string(1, '\0'), item_id, std::string(1, '\0'), due_seconds);
}

template <class Item>
absl::Status DeadlineReminders::SweepTable(storage::Table head, absl::Time now, int* sent) {
  const std::shared_ptr<const workflow::Settings> settings = wf_->settings->Get();
  std::vector<Item> due;
  absl::Status parse = absl::OkStatus();
  absl::Status scan = wf_->store->ScanHeads(head, "", [&](const std::string&, const std::string& bytes) {
    Item item;
    if (!item.ParseFromString(bytes)) {
      parse = absl::DataLossError("stored workflow item is corrupted");
      return false;
    }
    if (item.has_deadline() && workflow::ReminderDue(item.deadline(), *settings, now)) {
      due.push_back(std::move(item));
    }
    return true;
  });
  if (!scan.ok()) return scan;
  if (!parse.ok()) return parse;
  for (Item& item : due) {
    const std::string marker = MarkerKey(item.id(), item.deadline().due_time().seconds());
    std::string seen;
    const rocksdb::Status got = db_->Get(rocksdb::ReadOptions(), storage::Table::kMeta, marker, &seen);
    if (got.ok()) continue;  // already reminded
    if (!got.IsNotFound()) return absl::InternalError(absl::StrCat("reading a reminder marker: ", got.ToString()));
    v1::StoredEvent ev;
    v1::Event* e = ev.mutable_event();
    *e->mutable_time() = ToProtoTime(now);
    e->set_kind(v1::EVENT_DEADLINE_APPROACHING);
    e->set_item_id(item.id());
    EmbedItem(item, e);
    // The party that must act; a period of "the procuratorate" names no one
    // agency, so every participant is told.
    if (!item.deadline().party_agency().empty()) {
      ev.add_addressees(item.deadline().party_agency());
    } else {
      for (const std::string& a : item.participants()) ev.add_addressees(a);
    }
    storage::CommitRequest commit;
    commit.puts.push_back(storage::Put{storage::Table::kMeta, marker, ""});
    commit.appends.push_back(storage::EventLog::MakeAppend(ev));
    absl::StatusOr<storage::CommitResult> r = pipeline_->Commit(std::move(commit));
    if (!r.ok()) return r.status();
    ++*sent;
  }
  return absl::OkStatus();
}

absl::StatusOr<int> DeadlineReminders::SweepOnce(absl::Time now) {
  absl::MutexLock lock(&mu_);
  int sent = 0;
  absl::Status s = SweepTable<v1::Transfer>(storage::Table::kTransfers, now, &sent);
  if (s.ok()) s = SweepTable<v1::SupervisionRecord>(storage::Table::kSupervision, now, &sent);
  if (s.ok()) s = SweepTable<v1::Rectification>(storage::Table::kRectifications, now, &sent);
  if (s.ok()) s = SweepTable<v1::DecisionItem>(storage::Table::kDecisions, now, &sent);
  if (!s.ok()) return s;
  return sent;
}

void DeadlineReminders::Start(std::function<absl::Time()> now, absl::Duration every) {
  thread_ = std::thread([this, now = std::move(now), every] {
    while (!stop_.WaitForNotificationWithTimeout(every)) {
      absl::StatusOr<int> sent = SweepOnce(now());
      if (!sent.ok()) {
        spdlog::error("deadline reminders: sweep failed: {}", std::string(sent.status().message()));
      } else if (*sent > 0) {
        spdlog::info("deadline reminders: {} sent", *sent);
      }
    }
  });
}

void DeadlineReminders::Stop() {
  if (!thread_.joinable()) return;
  if (!stop_.HasBeenNotified()) stop_.Notify();
  thread_.join();
}

}  // namespace caselink::server
