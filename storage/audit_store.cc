#include "storage/audit_store.h"

#include <algorithm>
#include <memory>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "caselink_common/status_macros.h"
#include "google/protobuf/util/json_util.h"
#include "rocksdb/db.h"
#include "storage/audit_chain.h"
#include "storage/commit_pipeline.h"
#include "storage/rocks_status.h"

namespace caselink::storage {
namespace {

using Iter = std::unique_ptr<rocksdb::Iterator>;

Iter NewIter(const Database& db, Table t) {
  return Iter(db.NewIterator(rocksdb::ReadOptions(), t));
}

absl::StatusOr<v1::AuditEntry> ReadEntry(const Database& db, uint64_t seq) {
  std::string bytes;
  rocksdb::Status s = db.Get(rocksdb::ReadOptions(), Table::kAuditLog,
                                   CommitPipeline::SequenceKey(seq), &bytes);
  if (!s.ok()) return FromRocks(s, absl::StrCat("reading access-log entry ", seq));
  v1::AuditEntry e;
  if (!e.ParseFromString(bytes)) return absl::DataLossError(absl::StrCat("access-log entry ", seq, " is damaged"));
  return e;
}

// Index keys in [lo, hi) -> entries, oldest key first.
absl::StatusOr<AuditPage> Scan(const Database& db, const std::string& lo, const std::string& hi, int limit) {
  AuditPage page;
  Iter it = NewIter(db, Table::kAuditIndex);
  for (it->Seek(lo); it->Valid() && it->key().ToString() < hi; it->Next()) {
    if (static_cast<int>(page.entries.size()) >= limit) {
      page.truncated = true;
      break;
    }
    CASELINK_ASSIGN_OR_RETURN(v1::AuditEntry e, ReadEntry(db, audit::SeqOfIndexKey(it->key().ToString())));
    page.entries.push_back(std::move(e));
  }
  CASELINK_RETURN_IF_ERROR(FromRocks(it->status(), "reading the access-log index"));
  return page;
}

std::string PrefixEnd(const std::string& prefix) { return prefix + std::string(9, '\xff'); }

// The entries of one case's or party's index after `after_seq`.
absl::StatusOr<AuditPage> ScanAfter(const Database& db, const std::string& prefix, int limit,
                                    uint64_t after_seq) {
  if (after_seq == UINT64_MAX) return AuditPage();
  return Scan(db, prefix + CommitPipeline::SequenceKey(after_seq + 1), PrefixEnd(prefix), limit);
}

absl::Status WriteJsonLine(const google::protobuf::Message& m, std::ostream& out) {
  std::string line;
  google::protobuf::util::JsonPrintOptions o;
  o.preserve_proto_field_names = true;
  auto s = google::protobuf::util::MessageToJsonString(m, &line, o);
  if (!s.ok()) return absl::InternalError(std::string(s.message()));
  out << line << "\n";
  return out ? absl::OkStatus() : absl::DataLossError("writing the export failed");
}

// The access-log index (Table::kAuditIndex) against the verified entries,
// in bounded memory. Expect: every key an entry calls for, by MultiGet in
// batches. Finish: one scan counting the index's keys; the keys found are
// distinct (each ends in its entry's seq), so the index holds a key no entry
// calls for exactly when it holds more than were found, and only then a
// second scan reads each key's entry to name the first such key.
class IndexCheck {
 public:
  IndexCheck(const Database& db, const rocksdb::ReadOptions& ro, AuditVerifier* v) : db_(db), ro_(ro), v_(v) {}

  absl::Status Expect(const v1::AuditEntry& e) {
    for (std::string& k : KeysOf(e)) {
      keys_.push_back(std::move(k));
      seqs_.push_back(e.seq());
    }
    return keys_.size() >= kBatch ? Flush() : absl::OkStatus();
  }

  absl::Status Finish(uint64_t verified_to, bool beyond_is_extra) {
    CASELINK_RETURN_IF_ERROR(Flush());
    uint64_t in_range = 0;
    bool beyond = false;
    Iter it(db_.NewIterator(ro_, Table::kAuditIndex));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++keys_seen_;
      const uint64_t seq = SeqOf(it->key());
      if (seq >= 1 && seq <= verified_to) {
        ++in_range;
      } else if (beyond_is_extra) {
        beyond = true;
      }
    }
    CASELINK_RETURN_IF_ERROR(FromRocks(it->status(), "reading the access-log index"));
    if (in_range == found_ && !beyond) return absl::OkStatus();
    // Name the extra key of the lowest seq.
    uint64_t worst = UINT64_MAX;
    std::string detail;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const std::string key = it->key().ToString();
      const uint64_t seq = SeqOf(it->key());
      if (seq >= worst) continue;
      std::string why;
      if (seq >= 1 && seq <= verified_to) {
        std::string bytes;
        rocksdb::Status s = db_.Get(ro_, Table::kAuditLog, CommitPipeline::SequenceKey(seq), &bytes);
        if (s.IsNotFound()) {
          // An index key naming an absent entry is a finding (INDEX_EXTRA),
          // not a failure of the run: the run's error would hide every
          // other finding and read as a usage error (exit 2, not 3).
          worst = seq;
          detail = absl::StrCat("the index files entry ", seq, " under ", Describe(key),
                                ", but the log holds no entry ", seq);
          continue;
        }
        if (!s.ok()) return FromRocks(s, absl::StrCat("reading access-log entry ", seq));
        v1::AuditEntry e;
        if (!e.ParseFromString(bytes)) return absl::DataLossError(absl::StrCat("access-log entry ", seq, " is damaged"));
        const std::vector<std::string> expected = KeysOf(e);
        if (std::find(expected.begin(), expected.end(), key) != expected.end()) continue;
        why = absl::StrCat("the index files entry ", seq, " under ", Describe(key), ", which the entry does not name");
      } else if (beyond_is_extra) {
        why = absl::StrCat("the index files entry ", seq, " under ", Describe(key), ", but the log holds no entry ",
                           seq);
      } else {
        continue;
      }
      worst = seq;
      detail = std::move(why);
    }
    CASELINK_RETURN_IF_ERROR(FromRocks(it->status(), "reading the access-log index"));
    if (worst != UINT64_MAX) v_->AddProblem(AuditProblem::kIndexExtra, worst, std::move(detail));
    return absl::OkStatus();
  }

  uint64_t keys() const { return keys_seen_; }

 private:
  static constexpr size_t kBatch = 1024;

  static uint64_t SeqOf(const rocksdb::Slice& key) {
    if (key.size() < 8) return 0;
    return CommitPipeline::DecodeSequenceKey(std::string(key.data() + key.size() - 8, 8));
  }

  // The keys the writer stores for `e`: each prefix followed by its seq.
  static std::vector<std::string> KeysOf(const v1::AuditEntry& e) {
    std::vector<std::string> keys;
    const std::string seq_key = CommitPipeline::SequenceKey(e.seq());
    audit::ForEachIndexPrefix(e, [&](std::string prefix) { keys.push_back(prefix.append(seq_key)); });
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    return keys;
  }

  // "its case key (case C123)": the kind, and what the key names.
  static std::string Describe(const std::string& key) {
    const std::string kind = audit::IndexKeyKind(key);
    const std::string body = key.size() >= 9 ? key.substr(1, key.size() - 9) : key;
    std::string what;
    if (kind == "case") {
      what = absl::StrCat("case ", absl::CHexEscape(body.substr(0, body.size() - (body.empty() ? 0 : 1))));
    } else if (kind == "agency") {
      what = absl::StrCat("agency ", absl::CHexEscape(body.substr(0, body.find('\0'))));
    } else if (kind == "party") {
      what = absl::StrCat("party HMAC ", audit::Hex(body));
    } else {
      what = absl::StrCat("key '", absl::CHexEscape(key), "'");
    }
    return absl::StrCat("its ", kind, " key (", what, ")");
  }

  absl::Status Flush() {
    if (keys_.empty()) return absl::OkStatus();
    std::vector<rocksdb::Slice> slices(keys_.begin(), keys_.end());
    std::vector<rocksdb::PinnableSlice> values(keys_.size());
    std::vector<rocksdb::Status> statuses(keys_.size());
    db_.MultiGet(ro_, Table::kAuditIndex, slices.size(), slices.data(), values.data(), statuses.data(),
                 /*sorted_input=*/false);
    for (size_t i = 0; i < keys_.size(); ++i) {
      if (statuses[i].ok()) {
        ++found_;
      } else if (statuses[i].IsNotFound()) {
        v_->AddProblem(AuditProblem::kIndexMissing, seqs_[i],
                       absl::StrCat("entry ", seqs_[i], " is missing from the index under ", Describe(keys_[i]),
                                    ": WhoRead, AgencyAccess or PartyAccess would not show it"));
      } else {
        return FromRocks(statuses[i], "reading the access-log index");
      }
    }
    keys_.clear();
    seqs_.clear();
    return absl::OkStatus();
  }

  const Database& db_;
  const rocksdb::ReadOptions& ro_;
  AuditVerifier* v_;
  std::vector<std::string> keys_;  // of the batch
  std::vector<uint64_t> seqs_;
  uint64_t found_ = 0;
  uint64_t keys_seen_ = 0;
};

}  // namespace

absl::StatusOr<AuditPage> QueryAuditByCase(const Database& db, const std::string& case_id, int limit,
                                           uint64_t after_seq) {
  return ScanAfter(db, audit::CaseIndexPrefix(case_id), limit, after_seq);
}

absl::StatusOr<AuditPage> QueryAuditByAgency(const Database& db, const std::string& agency_id,
                                             absl::Time from, absl::Time to, int limit) {
  return Scan(db, audit::AgencyIndexTimePrefix(agency_id, from), audit::AgencyIndexTimePrefix(agency_id, to),
              limit);
}

absl::StatusOr<AuditPage> QueryAuditByParty(const Database& db, const std::string& party_hmac, int limit,
                                            uint64_t after_seq) {
  return ScanAfter(db, audit::PartyIndexPrefix(party_hmac), limit, after_seq);
}

absl::StatusOr<std::optional<v1::AuditCheckpoint>> LastAuditCheckpoint(const Database& db) {
  std::unique_ptr<rocksdb::Iterator> it(
      db.NewIterator(rocksdb::ReadOptions(), Table::kAuditCheckpoints));
  it->SeekToLast();
  CASELINK_RETURN_IF_ERROR(FromRocks(it->status(), "reading the last audit checkpoint"));
  if (!it->Valid()) return std::optional<v1::AuditCheckpoint>();
  v1::AuditCheckpoint cp;
  if (!cp.ParseFromString(it->value().ToString())) {
    return absl::DataLossError("the last audit checkpoint does not parse");
  }
  return std::optional<v1::AuditCheckpoint>(std::move(cp));
}

absl::StatusOr<AuditVerifyReport> VerifyAuditLog(const Database& db,
                                                 const std::string& expected_public_key_pem,
                                                 uint64_t checkpoint_every, const AuditHead& expected_head) {
  AuditVerifier v(expected_public_key_pem, checkpoint_every);
  // A database holds its log from seq 1: a missing start is MISSING, not
  // the anchor of a range (as it is in an export).
  v.SetWholeLog();
  if (expected_head.seq != 0) v.ExpectHead(expected_head);
  const std::shared_ptr<const rocksdb::Snapshot> snapshot = db.Snapshot();
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot.get();
  Iter cp(db.NewIterator(ro, Table::kAuditCheckpoints));
  for (cp->SeekToFirst(); cp->Valid(); cp->Next()) {
    v.AddCheckpoint(CommitPipeline::DecodeSequenceKey(cp->key().ToString()), cp->value().ToString());
  }
  CASELINK_RETURN_IF_ERROR(FromRocks(cp->status(), "reading audit checkpoints"));
  IndexCheck index(db, ro, &v);
  Iter it(db.NewIterator(ro, Table::kAuditLog));
  uint64_t verified_to = 0;  // the last entry of the unbroken chain
  bool broken = false;
  v1::AuditEntry e;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const uint64_t seq = CommitPipeline::DecodeSequenceKey(it->key().ToString());
    if (!v.AddEntry(seq, it->value().ToString(), &e)) {
      broken = true;
      break;
    }
    verified_to = seq;
    CASELINK_RETURN_IF_ERROR(index.Expect(e));
  }
  CASELINK_RETURN_IF_ERROR(FromRocks(it->status(), "reading the access log"));
  // Keys of entries past a break are not judged (the break comes first).
  CASELINK_RETURN_IF_ERROR(index.Finish(verified_to, /*beyond_is_extra=*/!broken));
  AuditVerifyReport report = v.Finish();
  report.index_keys = index.keys();
  return report;
}

absl::StatusOr<uint64_t> ExportAuditLog(const Database& db, uint64_t from, uint64_t to, std::ostream& out) {
  if (from == 0) from = 1;
  const uint64_t last = to == 0 ? UINT64_MAX : to;
  Iter cp = NewIter(db, Table::kAuditCheckpoints);
  for (cp->Seek(CommitPipeline::SequenceKey(from)); cp->Valid(); cp->Next()) {
    if (CommitPipeline::DecodeSequenceKey(cp->key().ToString()) > last) break;
    v1::AuditExportRecord r;
    if (!r.mutable_checkpoint()->ParseFromString(cp->value().ToString())) {
      return absl::DataLossError("an audit checkpoint is damaged; run `caselink audit verify`");
    }
    CASELINK_RETURN_IF_ERROR(WriteJsonLine(r, out));
  }
  CASELINK_RETURN_IF_ERROR(FromRocks(cp->status(), "reading audit checkpoints"));
  uint64_t n = 0;
  Iter it = NewIter(db, Table::kAuditLog);
  for (it->Seek(CommitPipeline::SequenceKey(from)); it->Valid(); it->Next()) {
    if (CommitPipeline::DecodeSequenceKey(it->key().ToString()) > last) break;
    v1::AuditExportRecord r;
    if (!r.mutable_entry()->ParseFromString(it->value().ToString())) {
      return absl::DataLossError("an access-log entry is damaged; run `caselink audit verify`");
    }
    CASELINK_RETURN_IF_ERROR(WriteJsonLine(r, out));
    ++n;
  }
  CASELINK_RETURN_IF_ERROR(FromRocks(it->status(), "reading the access log"));
  return n;
}

absl::StatusOr<AuditVerifyReport> VerifyAuditExport(const std::string& jsonl,
                                                    const std::string& expected_public_key_pem,
                                                    uint64_t checkpoint_every) {
  std::vector<v1::AuditCheckpoint> checkpoints;
  std::vector<v1::AuditEntry> entries;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(jsonl, '\n')) {
    ++line_no;
    if (line.empty()) continue;
    v1::AuditExportRecord r;
    auto s = google::protobuf::util::JsonStringToMessage(std::string(line), &r);
    if (!s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("line ", line_no, " of the export is not a record: ",
                                                     std::string(s.message())));
    }
    if (r.has_checkpoint()) checkpoints.push_back(r.checkpoint());
    if (r.has_entry()) entries.push_back(r.entry());
  }
  AuditVerifier v(expected_public_key_pem, checkpoint_every);
  for (const auto& cp : checkpoints) v.AddCheckpoint(cp);
  // In an export the line order is the order. An entry out of place whose
  // own position is filled later was moved (REORDERED at that position); a
  // position no line fills is MISSING.
  std::set<uint64_t> present;
  for (const auto& e : entries) present.insert(e.seq());
  uint64_t position = entries.empty() ? 0 : entries.front().seq();
  for (const auto& e : entries) {
    if (e.seq() != position && present.count(position) == 0) position = e.seq();
    if (!v.AddEntry(position++, e.SerializeAsString())) break;
  }
  return v.Finish();
}

}  // namespace caselink::storage
