#include "storage/audit_sealer.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "caselink_common/status_macros.h"
#include "caselink_common/proto_time.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "rocksdb/db.h"
#include "spdlog/spdlog.h"
#include "storage/rocks_status.h"

namespace caselink::storage {
namespace {

// Appends a length-delimited field (wire type 2) to serialized bytes.
void AppendBytesField(int number, const std::string& value, std::string* out) {
  google::protobuf::uint8 head[2 * 5];  // two varint32s
  google::protobuf::uint8* end = google::protobuf::io::CodedOutputStream::WriteVarint32ToArray(
      static_cast<uint32_t>(number) << 3 | 2, head);
  end = google::protobuf::io::CodedOutputStream::WriteVarint32ToArray(static_cast<uint32_t>(value.size()), end);
  out->append(reinterpret_cast<const char*>(head), end - head);
  out->append(value);
}

}  // namespace

absl::StatusOr<std::unique_ptr<AuditChain>> AuditChain::Attach(Database* db,
                                                               CommitPipeline* pipeline,
                                                               AuditChainOptions options) {
  if (options.signer == nullptr) return absl::InvalidArgumentError("the audit chain needs a signer");
  if (options.checkpoint_every_entries <= 0) options.checkpoint_every_entries = 1000;
  std::unique_ptr<AuditChain> chain(new AuditChain(db, pipeline, std::move(options)));
  CASELINK_RETURN_IF_ERROR(chain->Load());
  AuditChain* c = chain.get();
  Sealer sealer;
  sealer.seal = [c](uint64_t seq, const std::string& payload) { return c->Seal(seq, payload); };
  sealer.rollback = [c](uint64_t) { c->Rollback(); };
  sealer.after_group = [c](uint64_t last) { return c->AfterGroup(last); };
  pipeline->SetSealer(Table::kAuditLog, std::move(sealer));
  pipeline->AddListener([c](Table t, uint64_t) {
    if (t == Table::kAuditLog) c->Durable();
  });
  return chain;
}

absl::Status AuditChain::Load() {
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(rocksdb::ReadOptions(), Table::kAuditLog);
  it->SeekToLast();
  State s;
  if (it->Valid()) {
    v1::AuditEntry head;
    const uint64_t seq = CommitPipeline::DecodeSequenceKey(it->key().ToString());
    if (!head.ParseFromString(it->value().ToString()) || head.seq() != seq ||
        head.hash().size() != audit::kHashSize) {
      return absl::DataLossError(absl::StrCat(
          "the last access-log entry (seq ", seq, ") in ", db_->path(),
          " is damaged; the server will not extend a broken chain (run `caselink audit verify --db`)"));
    }
    s.seq = seq;
    s.hash = head.hash();
  }
  CASELINK_RETURN_IF_ERROR(FromRocks(it->status(), "reading the access-log head"));
  std::unique_ptr<rocksdb::Iterator> cp = db_->NewIterator(rocksdb::ReadOptions(), Table::kAuditCheckpoints);
  cp->SeekToLast();
  if (cp->Valid()) {
    v1::AuditCheckpoint last;
    if (last.ParseFromString(cp->value().ToString())) {
      s.last_checkpoint = FromProtoTime(last.time());
      s.since_checkpoint = s.seq > last.seq() ? s.seq - last.seq() : 0;
    }
  } else {
    s.since_checkpoint = s.seq;
  }
  CASELINK_RETURN_IF_ERROR(FromRocks(cp->status(), "reading the last audit checkpoint"));
  if (s.last_checkpoint == absl::InfinitePast()) s.last_checkpoint = options_.now();
  absl::MutexLock l(&mu_);
  committed_ = s;
  working_ = s;
  return absl::OkStatus();
}

absl::StatusOr<std::string> AuditChain::Seal(uint64_t seq, const std::string& payload) {
  // The payload is an entry without seq and hashes (audit::EntryAppend), so
  // its canonical bytes are the seq field followed by it: no parse here, on
  // the thread that writes every group one after the other.
  if (!payload.empty() && static_cast<unsigned char>(payload[0]) ==
                              (v1::AuditEntry::kSeqFieldNumber << 3)) {
    return absl::InternalError("an access-log append carries a seq (use audit::EntryAppend)");
  }
  // Stored: the canonical bytes with the two hash fields after them, rather
  // than the entry serialized once more. A parser takes fields in any order,
  // and a verifier re-serializes canonically (CanonicalBytes), so the
  // entry read back is the same.
  std::string stored = audit::CanonicalBytesOfAppend(seq, payload, 2 * (audit::kHashSize + 2));
  const absl::string_view canonical(stored);
  absl::MutexLock l(&mu_);
  if (!in_group_) {
    working_ = committed_;
    in_group_ = true;
  }
  if (seq != working_.seq + 1) {
    return absl::InternalError(absl::StrCat("access-log sequence ", seq, " does not follow ", working_.seq));
  }
  std::string hash = audit::ChainHash(working_.hash, canonical);
  AppendBytesField(v1::AuditEntry::kPrevHashFieldNumber, working_.hash, &stored);
  AppendBytesField(v1::AuditEntry::kHashFieldNumber, hash, &stored);
  working_.seq = seq;
  working_.hash = std::move(hash);
  ++working_.since_checkpoint;
  return stored;
}

std::vector<Put> AuditChain::AfterGroup(uint64_t last_seq) {
  absl::MutexLock l(&mu_);
  const absl::Time now = options_.now();
  const bool due = working_.since_checkpoint >= static_cast<uint64_t>(options_.checkpoint_every_entries) ||
                   (working_.since_checkpoint > 0 && now - working_.last_checkpoint >= options_.checkpoint_every);
  if (!due || last_seq != working_.seq) return {};
  auto cp = options_.signer->Sign(working_.seq, working_.hash, now);
  if (!cp.ok()) {
    // The entries stay chained; the next group tries again.
    spdlog::error("audit checkpoint at seq {} not signed: {}", last_seq, std::string(cp.status().message()));
    return {};
  }
  working_.since_checkpoint = 0;
  working_.last_checkpoint = now;
  return {{Table::kAuditCheckpoints, CommitPipeline::SequenceKey(last_seq), cp->SerializeAsString()}};
}

void AuditChain::Rollback() {
  absl::MutexLock l(&mu_);
  working_ = committed_;
  in_group_ = false;
}

void AuditChain::Durable() {
  absl::MutexLock l(&mu_);
  committed_ = working_;
  in_group_ = false;
}

absl::Status AuditChain::CheckpointNow() {
  // An empty durable commit first: its fsync also covers the reads' entries
  // written but not yet synced (CommitPipeline::kLazySync), and their groups'
  // listeners have run by its answer, so the checkpoint names the true head.
  CASELINK_RETURN_IF_ERROR(pipeline_->Commit(CommitRequest{}).status());
  uint64_t seq;
  std::string hash;
  {
    absl::MutexLock l(&mu_);
    if (committed_.since_checkpoint == 0 || committed_.seq == 0) return absl::OkStatus();
    seq = committed_.seq;
    hash = committed_.hash;
  }
  CASELINK_ASSIGN_OR_RETURN(v1::AuditCheckpoint cp, options_.signer->Sign(seq, hash, options_.now()));
  CommitRequest req;
  req.puts.push_back({Table::kAuditCheckpoints, CommitPipeline::SequenceKey(seq), cp.SerializeAsString()});
  CASELINK_RETURN_IF_ERROR(pipeline_->Commit(std::move(req)).status());
  absl::MutexLock l(&mu_);
  if (committed_.seq == seq) committed_.since_checkpoint = 0;
  return absl::OkStatus();
}

uint64_t AuditChain::head_seq() const {
  absl::MutexLock l(&mu_);
  return committed_.seq;
}

std::string AuditChain::head_hash() const {
  absl::MutexLock l(&mu_);
  return committed_.hash;
}

}  // namespace caselink::storage
