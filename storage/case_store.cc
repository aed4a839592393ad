#include "storage/case_store.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "caselink/v1/storage.pb.h"
#include "caselink_common/proto_time.h"
#include "caselink_common/status_macros.h"
#include "rocksdb/snapshot.h"
#include "spdlog/spdlog.h"
#include "storage/case_id.h"
#include "storage/case_keys.h"
#include "storage/rocks_status.h"

namespace caselink::storage {
namespace {



absl::StatusOr<v1::Case> ParseCase(const std::string& bytes, absl::string_view key) {
  v1::Case c;
  if (!c.ParseFromString(bytes)) {
    return absl::DataLossError(absl::StrCat("stored case ", key, " is corrupted"));
  }
  return c;
}

// Cases read per MultiGet when walking the date index.
constexpr size_t kDatedBatch = 256;
// Above this share of the date index, a dated walk scans the heads instead.
constexpr double kScanShare = 0.25;
// Keys per commit while the date index is rebuilt.
constexpr size_t kRebuildBatch = 4096;

// Replays the answer recorded for an earlier request with the same id.
absl::StatusOr<SubmitOutcome> Replay(const CaseStore& store, const SubmitCommand& cmd,
                                     const std::string& record_bytes) {
  v1::RequestRecord rec;
  if (!rec.ParseFromString(record_bytes)) {
    return absl::DataLossError("stored request record is corrupted");
  }
  if (rec.request_digest() != cmd.request_digest) {
    return absl::AlreadyExistsError(absl::StrCat(
        "request_id '", cmd.request_id,
        "' was already used for a different request; use a new request_id"));
  }
  CASELINK_ASSIGN_OR_RETURN(v1::Case stored, store.Get(rec.case_id(), rec.version()));
  return SubmitOutcome{std::move(stored), true};
}

}  // namespace

absl::StatusOr<SubmitOutcome> CaseStore::Submit(const SubmitCommand& cmd) {
  std::vector<absl::StatusOr<SubmitOutcome>> out = SubmitBatch(
      {cmd}, [&cmd](const std::vector<const v1::Case*>& written, const std::vector<const v1::Case*>&,
                    CommitRequest* commit) {
        return cmd.attach ? cmd.attach(*written.front(), commit) : absl::OkStatus();
      });
  return std::move(out.front());
}

std::vector<absl::StatusOr<SubmitOutcome>> CaseStore::SubmitBatch(
    const std::vector<SubmitCommand>& cmds, const BatchAttach& attach) {
  // New cases get their ids first, so every key of the batch is known and
  // locked together (in stripe order: batches never deadlock each other).
  std::vector<v1::Case> next(cmds.size());
  std::vector<std::string> keys;
  for (size_t i = 0; i < cmds.size(); ++i) {
    next[i] = cmds[i].content;
    if (cmds[i].expected_version == 0) next[i].set_case_id(NewCaseId(cmds[i].now, tz_));
    keys.push_back(RequestKey(cmds[i].agency, cmds[i].request_id));
    keys.push_back(next[i].case_id());
  }
  KeyLocks::Guard guard = locks_.Lock(keys);

  std::vector<absl::StatusOr<SubmitOutcome>> out;
  CommitRequest commit;
  std::vector<size_t> stored;  // items whose writes are in `commit`
  absl::flat_hash_set<std::string> seen;
  for (size_t i = 0; i < cmds.size(); ++i) {
    // A second change of one case (or a reused request id) in the same batch
    // would be checked against the state before the first: refuse it.
    if (!seen.insert(keys[2 * i]).second || !seen.insert("\x01" + next[i].case_id()).second) {
      out.push_back(absl::FailedPreconditionError(absl::StrCat(
          "case '", next[i].case_id(), "' or request_id '", cmds[i].request_id,
          "' appears twice in this batch; submit the second change in a later call")));
      continue;
    }
    out.push_back(Prepare(cmds[i], std::move(next[i]), keys[2 * i], &commit));
    if (out.back().ok() && !out.back()->replayed) stored.push_back(i);
  }
  if (stored.empty()) return out;
  std::vector<const v1::Case*> written, replayed;
  for (size_t i : stored) written.push_back(&out[i]->stored);
  for (const auto& o : out) {
    if (o.ok() && o->replayed) replayed.push_back(&o->stored);
  }
  absl::Status s = attach ? attach(written, replayed, &commit) : absl::OkStatus();
  if (s.ok()) s = pipeline_->Commit(std::move(commit)).status();
  if (!s.ok()) {
    for (size_t i : stored) out[i] = s;
  }
  return out;
}

absl::StatusOr<SubmitOutcome> CaseStore::Prepare(const SubmitCommand& cmd, v1::Case next,
                                                 const std::string& req_key,
                                                 CommitRequest* commit) const {
  std::string record_bytes;
  rocksdb::Status rs = db_->Get(rocksdb::ReadOptions(), Table::kRequests, req_key,
                                      &record_bytes);
  // A stored record is durable: its writer held this key's lock until its
  // commit was synced.
  if (rs.ok()) return Replay(*this, cmd, record_bytes);
  if (!rs.IsNotFound()) return FromRocks(rs, "reading the request record");

  next.set_owner_agency(cmd.agency);
  *next.mutable_update_time() = ToProtoTime(cmd.now);
  std::vector<std::string> old_keys;
  std::string old_date;
  std::string head_bytes;
  rocksdb::Status hs =
      db_->Get(rocksdb::ReadOptions(), Table::kCaseHeads, next.case_id(), &head_bytes);
  if (cmd.expected_version == 0) {
    if (hs.ok()) return absl::AbortedError("case id collision; retry the request");
    if (!hs.IsNotFound()) return FromRocks(hs, "reserving a case id");
    next.set_version(1);
    *next.mutable_create_time() = next.update_time();
  } else {
    if (hs.IsNotFound()) {
      return absl::NotFoundError(absl::StrCat("case '", next.case_id(), "' not found"));
    }
    if (!hs.ok()) return FromRocks(hs, "reading the case head");
    CASELINK_ASSIGN_OR_RETURN(v1::Case current, ParseCase(head_bytes, next.case_id()));
    if (cmd.check_current) CASELINK_RETURN_IF_ERROR(cmd.check_current(current));
    if (cmd.derive) {
      CASELINK_ASSIGN_OR_RETURN(v1::Case derived, cmd.derive(current));
      derived.set_case_id(current.case_id());
      *derived.mutable_update_time() = next.update_time();
      next = std::move(derived);
    } else if (current.version() != cmd.expected_version) {
      return absl::FailedPreconditionError(absl::StrCat(
          "case '", current.case_id(), "' is at version ", current.version(),
          ", not expected_version ", cmd.expected_version,
          "; read the latest version and submit again"));
    }
    old_keys = index_.KeysFor(current);
    old_date = ReportDate(current, tz_);
    // A supervisor's major-case mark is not the owner's to drop: it is
    // carried into every later version until a supervisor takes it back.
    if (!cmd.derive && current.has_major_mark()) {
      *next.mutable_major_mark() = current.major_mark();
      if (current.major_mark().major()) next.set_major(true);
    }
    next.set_owner_agency(current.owner_agency());
    next.set_version(current.version() + 1);
    *next.mutable_create_time() = current.create_time();
  }

  std::string bytes = next.SerializeAsString();
  v1::RequestRecord rec;
  rec.set_request_digest(cmd.request_digest);
  rec.set_case_id(next.case_id());
  rec.set_version(next.version());

  // The latest version is stored once, as the head; the version it
  // supersedes moves into the history in the same batch (see the header).
  if (next.version() > 1) {
    CASELINK_ASSIGN_OR_RETURN(bool kept, VersionKept(next.case_id(), next.version() - 1));
    if (!kept) {
      commit->puts.push_back(
          {Table::kCaseVersions, CaseVersionKey(next.case_id(), next.version() - 1), std::move(head_bytes)});
    }
  }
  commit->puts.push_back({Table::kCaseHeads, next.case_id(), std::move(bytes)});
  commit->puts.push_back({Table::kRequests, req_key, rec.SerializeAsString()});
  // The date index follows the latest version, like the search index.
  const std::string new_date = ReportDate(next, tz_);
  if (next.version() == 1 || new_date != old_date) {
    if (next.version() > 1) commit->deletes.push_back({Table::kCaseDates, CaseDateKey(old_date, next.case_id())});
    commit->puts.push_back({Table::kCaseDates, CaseDateKey(new_date, next.case_id()), ""});
  }
  // The index follows the latest version: keys of the old version that no
  // longer hold go, new ones come, in this same batch.
  const std::vector<std::string> new_keys = index_.KeysFor(next);
  for (const std::string& k : old_keys) {
    if (!std::binary_search(new_keys.begin(), new_keys.end(), k)) commit->deletes.push_back({Table::kCaseIndex, k});
  }
  for (const std::string& k : new_keys) {
    if (!std::binary_search(old_keys.begin(), old_keys.end(), k)) commit->puts.push_back({Table::kCaseIndex, k, ""});
  }
  return SubmitOutcome{std::move(next), false};
}

absl::Status CaseStore::UpdateDerived(
    const std::string& case_id, const std::function<absl::Status(const v1::Case& latest, CommitRequest* commit)>& fn) {
  KeyLocks::Guard guard = locks_.Lock({case_id});
  CASELINK_ASSIGN_OR_RETURN(v1::Case latest, Get(case_id, 0));
  CommitRequest commit;
  commit.durable = false;
  CASELINK_RETURN_IF_ERROR(fn(latest, &commit));
  if (commit.puts.empty() && commit.deletes.empty() && commit.appends.empty()) return absl::OkStatus();
  return pipeline_->Commit(std::move(commit)).status();
}

absl::StatusOr<v1::Case> CaseStore::Get(const std::string& case_id, int64_t version,
                                        const rocksdb::Snapshot* at) const {
  std::string bytes;
  rocksdb::ReadOptions ro;
  ro.snapshot = at;
  if (version == 0) {
    rocksdb::Status s = db_->Get(ro, Table::kCaseHeads, case_id, &bytes);
    if (s.IsNotFound()) return absl::NotFoundError(absl::StrCat("case '", case_id, "' not found"));
    if (!s.ok()) return FromRocks(s, "reading a case");
    return ParseCase(bytes, case_id);
  }
  // A superseded version is in the history; the latest only in the head. A
  // version can move from the head into the history between the two reads
  // (not under a snapshot): then the history is read once more.
  const std::string key = CaseVersionKey(case_id, version);
  for (int attempt = 0; attempt < 2; ++attempt) {
    rocksdb::Status s = db_->Get(ro, Table::kCaseVersions, key, &bytes);
    if (s.ok()) return ParseCase(bytes, case_id);
    if (!s.IsNotFound()) return FromRocks(s, "reading a case version");
    s = db_->Get(ro, Table::kCaseHeads, case_id, &bytes);
    if (s.IsNotFound()) break;
    if (!s.ok()) return FromRocks(s, "reading a case");
    CASELINK_ASSIGN_OR_RETURN(v1::Case head, ParseCase(bytes, case_id));
    if (head.version() == version) return head;
    if (head.version() < version || at != nullptr) break;
  }
  return absl::NotFoundError(absl::StrCat("case '", case_id, "' version ", version, " not found"));
}

absl::StatusOr<bool> CaseStore::VersionKept(const std::string& case_id, int64_t version) const {
  // Databases written before the head held the only copy of the latest
  // version also kept it in the history; most keys are absent, and the
  // bloom filters answer that without reading a block.
  const std::string key = CaseVersionKey(case_id, version);
  if (!db_->KeyMayExist(rocksdb::ReadOptions(), Table::kCaseVersions, key)) return false;
  std::string bytes;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Table::kCaseVersions, key, &bytes);
  if (s.IsNotFound()) return false;
  if (!s.ok()) return FromRocks(s, "reading a case version");
  return true;
}

absl::StatusOr<std::vector<v1::Case>> CaseStore::Versions(const std::string& case_id) const {
  const std::string prefix = CaseVersionPrefix(case_id);
  // The history and the head as of one instant: a version moves from the
  // head into the history when the next is written.
  const std::shared_ptr<const rocksdb::Snapshot> snapshot = db_->Snapshot();
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot.get();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, Table::kCaseVersions));
  std::vector<v1::Case> out;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    CASELINK_ASSIGN_OR_RETURN(v1::Case c, ParseCase(it->value().ToString(), case_id));
    out.push_back(std::move(c));
  }
  CASELINK_RETURN_IF_ERROR(FromRocks(it->status(), "listing case versions"));
  auto head = Get(case_id, 0, snapshot.get());
  if (!head.ok() && !absl::IsNotFound(head.status())) return head.status();
  if (head.ok() && (out.empty() || out.back().version() < head->version())) out.push_back(*std::move(head));
  if (out.empty()) return absl::NotFoundError(absl::StrCat("case '", case_id, "' not found"));
  return out;
}

absl::StatusOr<ListPage> CaseStore::List(const ListQuery& q) const {
  rocksdb::ReadOptions ro;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, Table::kCaseHeads));
  ListPage page;
  if (q.start_after.empty()) {
    it->SeekToFirst();
  } else {
    it->Seek(q.start_after);
    if (it->Valid() && it->key() == q.start_after) it->Next();
  }
  int scanned = 0;
  for (; it->Valid(); it->Next()) {
    if (scanned >= q.scan_budget) {
      page.more = true;
      break;
    }
    ++scanned;
    std::string key = it->key().ToString();
    CASELINK_ASSIGN_OR_RETURN(v1::Case c, ParseCase(it->value().ToString(), key));
    if (q.filter && !q.filter(c)) {
      page.resume_after = std::move(key);
      continue;
    }
    // A full page answers "more" only for a row the filter keeps, so rows
    // it hides never show through the token (the next page starts here).
    if (static_cast<int>(page.cases.size()) >= q.limit) {
      page.more = true;
      break;
    }
    page.resume_after = std::move(key);
    page.cases.push_back(std::move(c));
  }
  CASELINK_RETURN_IF_ERROR(FromRocks(it->status(), "listing cases"));
  return page;
}

std::shared_ptr<const rocksdb::Snapshot> CaseStore::ReadSnapshot() const {
  return db_->Snapshot();
}

absl::Status CaseStore::ForEachLatest(const std::function<bool(const v1::Case&)>& fn,
                                      const rocksdb::Snapshot* at) const {
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  ro.snapshot = at;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, Table::kCaseHeads));
  v1::Case c;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const rocksdb::Slice v = it->value();
    if (!c.ParseFromArray(v.data(), static_cast<int>(v.size()))) {
      return absl::DataLossError(absl::StrCat("stored case ", it->key().ToString(), " is corrupted"));
    }
    if (!fn(c)) break;
  }
  return FromRocks(it->status(), "scanning cases");
}

std::string CaseStore::ReportDate(const v1::Case& c, absl::TimeZone tz) {
  if (!c.penalty().decision_date().empty()) return c.penalty().decision_date();
  return absl::FormatTime("%Y-%m-%d", FromProtoTime(c.create_time()), tz);
}

absl::Status CaseStore::ForEachLatestDated(const std::string& from_date, const std::string& to_date,
                                           const std::function<bool(const v1::Case&)>& fn,
                                           const rocksdb::Snapshot* at) const {
  if (from_date >= to_date) return absl::OkStatus();
  // Through the index each case is a random read; a scan of the heads reads
  // them in order, ~3x cheaper per case (caselink_district_bench). So a
  // period holding a large share of the cases is scanned instead.
  const uint64_t all = db_->ApproximateSize(Table::kCaseDates, "", "\xff");
  const uint64_t period = db_->ApproximateSize(Table::kCaseDates, from_date, to_date);
  if (all > 0 && static_cast<double>(period) > kScanShare * static_cast<double>(all)) {
    return ForEachLatest(
        [&](const v1::Case& c) {
          const std::string date = ReportDate(c, tz_);
          return from_date <= date && date < to_date ? fn(c) : true;
        },
        at);
  }
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;  // as ForEachLatest: a report does not evict the working set
  ro.snapshot = at;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, Table::kCaseDates));
  std::vector<std::string> ids;
  v1::Case c;
  bool go_on = true;
  auto visit = [&]() -> absl::Status {
    std::vector<rocksdb::Slice> keys(ids.begin(), ids.end());
    std::vector<rocksdb::PinnableSlice> values(ids.size());
    std::vector<rocksdb::Status> statuses(ids.size());
    db_->MultiGet(ro, Table::kCaseHeads, ids.size(), keys.data(), values.data(), statuses.data(),
                  /*sorted_input=*/false);
    for (size_t i = 0; i < ids.size() && go_on; ++i) {
      if (statuses[i].IsNotFound()) {
        return absl::DataLossError(absl::StrCat("date index names case '", ids[i], "' which is missing"));
      }
      CASELINK_RETURN_IF_ERROR(FromRocks(statuses[i], "reading a case"));
      if (!c.ParseFromArray(values[i].data(), static_cast<int>(values[i].size()))) {
        return absl::DataLossError(absl::StrCat("stored case ", ids[i], " is corrupted"));
      }
      go_on = fn(c);
    }
    ids.clear();
    return absl::OkStatus();
  };
  for (it->Seek(from_date); go_on && it->Valid() && it->key().compare(to_date) < 0; it->Next()) {
    const rocksdb::Slice key = it->key();
    const char* nul = static_cast<const char*>(std::memchr(key.data(), '\0', key.size()));
    if (nul == nullptr) return absl::DataLossError("a date index key has no case id");
    ids.emplace_back(nul + 1, key.data() + key.size() - (nul + 1));
    if (ids.size() == kDatedBatch) CASELINK_RETURN_IF_ERROR(visit());
  }
  CASELINK_RETURN_IF_ERROR(FromRocks(it->status(), "reading the date index"));
  if (go_on && !ids.empty()) CASELINK_RETURN_IF_ERROR(visit());
  return absl::OkStatus();
}

absl::Status CaseStore::EnsureDateIndex() {
  const std::string zone = tz_.name();
  std::string built;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Table::kMeta, kCaseDatesZoneKey, &built);
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "reading the date index marker");
  if (s.ok() && built == zone) {
    dates_ready_ = true;
    return absl::OkStatus();
  }
  const absl::Time started = absl::Now();
  spdlog::info("date index: building it from the case heads in time zone {} ({}), once", zone,
               s.ok() && !built.empty() ? absl::StrCat("it was built in ", built) : std::string("none is whole"));
  // Built anew: every key goes, then one per head. Not synced batch by
  // batch: the marker, cleared with the first batch and written last,
  // synced, says the index is whole; a crash before it starts the rebuild
  // again (also if the server then starts in the zone of the old index).
  CommitRequest req;
  req.puts.push_back({Table::kMeta, kCaseDatesZoneKey, ""});
  auto commit = [&](bool durable) -> absl::Status {
    req.durable = durable;
    absl::Status st = pipeline_->Commit(std::move(req)).status();
    req = CommitRequest();
    return st;
  };
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> old(db_->NewIterator(ro, Table::kCaseDates));
  for (old->SeekToFirst(); old->Valid(); old->Next()) {
    req.deletes.push_back({Table::kCaseDates, old->key().ToString()});
    if (req.deletes.size() == kRebuildBatch) CASELINK_RETURN_IF_ERROR(commit(false));
  }
  CASELINK_RETURN_IF_ERROR(FromRocks(old->status(), "reading the date index"));
  absl::Status failed;
  uint64_t cases = 0;
  CASELINK_RETURN_IF_ERROR(ForEachLatest([&](const v1::Case& c) {
    req.puts.push_back({Table::kCaseDates, CaseDateKey(ReportDate(c, tz_), c.case_id()), ""});
    ++cases;
    if (req.puts.size() == kRebuildBatch) failed = commit(false);
    return failed.ok();
  }));
  CASELINK_RETURN_IF_ERROR(failed);
  req.puts.push_back({Table::kMeta, kCaseDatesZoneKey, zone});
  CASELINK_RETURN_IF_ERROR(commit(true));
  dates_ready_ = true;
  spdlog::info("date index: {} cases filed in {:.1f} s", cases, absl::ToDoubleSeconds(absl::Now() - started));
  return absl::OkStatus();
}

absl::StatusOr<ListPage> CaseStore::SearchIndex(const std::string& prefix, const ListQuery& q) const {
  // One snapshot for the index and the cases it names.
  const std::shared_ptr<const rocksdb::Snapshot> snapshot = db_->Snapshot();
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot.get();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, Table::kCaseIndex));
  ListPage page;
  const std::string start = prefix + q.start_after;
  it->Seek(start);
  if (!q.start_after.empty() && it->Valid() && it->key() == start) it->Next();
  auto more_keys = [&] { return it->Valid() && it->key().starts_with(prefix); };
  int scanned = 0;
  for (;;) {
    // The ids the page still needs, read together: one batched MultiGet
    // instead of a lookup per case.
    std::vector<std::string> ids;
    // A full page reads a few more ids, looking ahead for one the filter keeps.
    constexpr size_t kLookAhead = 8;
    const size_t have = page.cases.size();
    const size_t want = have < static_cast<size_t>(q.limit) ? static_cast<size_t>(q.limit) - have : kLookAhead;
    for (; ids.size() < want && more_keys() && scanned < q.scan_budget; it->Next(), ++scanned) {
      std::string id = it->key().ToString().substr(prefix.size());
      // Case ids never hold a NUL, so a NUL after the prefix means the key is
      // of a longer name that begins with this one and a NUL ("张三\0…",
      // stored before names were checked): it is no match, and taking the
      // rest for a case id would fail the whole search as DATA_LOSS.
      if (id.find('\0') != std::string::npos) continue;
      ids.push_back(std::move(id));
    }
    if (!ids.empty()) {
      std::vector<rocksdb::Slice> keys(ids.begin(), ids.end());
      std::vector<rocksdb::PinnableSlice> values(ids.size());
      std::vector<rocksdb::Status> statuses(ids.size());
      db_->MultiGet(ro, Table::kCaseHeads, ids.size(), keys.data(), values.data(),
                          statuses.data(), /*sorted_input=*/true);
      for (size_t i = 0; i < ids.size(); ++i) {
        if (statuses[i].IsNotFound()) {
          return absl::DataLossError(absl::StrCat("index names case '", ids[i], "' which is missing"));
        }
        CASELINK_RETURN_IF_ERROR(FromRocks(statuses[i], "reading a case"));
        CASELINK_ASSIGN_OR_RETURN(v1::Case c, ParseCase(values[i].ToString(), ids[i]));
        if (q.filter && !q.filter(c)) {
          page.resume_after = ids[i];
          continue;
        }
        // As in List: "more" only for a row the filter keeps.
        if (static_cast<int>(page.cases.size()) >= q.limit) {
          page.more = true;
          break;
        }
        page.resume_after = ids[i];
        page.cases.push_back(std::move(c));
      }
    }
    if (page.more || !more_keys()) break;
    if (scanned >= q.scan_budget) {
      page.more = true;
      break;
    }
  }
  CASELINK_RETURN_IF_ERROR(FromRocks(it->status(), "searching the index"));
  return page;
}

}  // namespace caselink::storage
