#include "storage/audit_store.h"

#include <memory>
#include <set>

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

absl::Status WriteJsonLine(const google::protobuf::Message& m, std::ostream& out) {
  std::string line;
  google::protobuf::util::JsonPrintOptions o;
  o.preserve_proto_field_names = true;
  auto s = google::protobuf::util::MessageToJsonString(m, &line, o);
  if (!s.ok()) return absl::InternalError(std::string(s.message()));
  out << line << "\n";
  return out ? absl::OkStatus() : absl::DataLossError("writing the export failed");
}

}  // namespace

absl::StatusOr<AuditPage> QueryAuditByCase(const Database& db, const std::string& case_id, int limit) {
  const std::string p = audit::CaseIndexPrefix(case_id);
  return Scan(db, p, PrefixEnd(p), limit);
}

absl::StatusOr<AuditPage> QueryAuditByAgency(const Database& db, const std::string& agency_id,
                                             absl::Time from, absl::Time to, int limit) {
  return Scan(db, audit::AgencyIndexTimePrefix(agency_id, from), audit::AgencyIndexTimePrefix(agency_id, to),
              limit);
}

absl::StatusOr<AuditPage> QueryAuditByParty(const Database& db, const std::string& party_hmac, int limit) {
  const std::string p = audit::PartyIndexPrefix(party_hmac);
  return Scan(db, p, PrefixEnd(p), limit);
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
                                                 const std::string& expected_public_key_pem) {
  AuditVerifier v(expected_public_key_pem);
  Iter cp = NewIter(db, Table::kAuditCheckpoints);
  for (cp->SeekToFirst(); cp->Valid(); cp->Next()) {
    v.AddCheckpoint(CommitPipeline::DecodeSequenceKey(cp->key().ToString()), cp->value().ToString());
  }
  CASELINK_RETURN_IF_ERROR(FromRocks(cp->status(), "reading audit checkpoints"));
  Iter it = NewIter(db, Table::kAuditLog);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (!v.AddEntry(CommitPipeline::DecodeSequenceKey(it->key().ToString()), it->value().ToString())) break;
  }
  CASELINK_RETURN_IF_ERROR(FromRocks(it->status(), "reading the access log"));
  return v.Finish();
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
                                                    const std::string& expected_public_key_pem) {
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
  AuditVerifier v(expected_public_key_pem);
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
