#include "storage/audit_sealer.h"

#include <algorithm>
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
  sealer.rollback = [c](uint64_t first) { c->Rollback(first); };
  sealer.after_group = [c](uint64_t last) { return c->AfterGroup(last); };
  pipeline->SetSealer(Table::kAuditLog, std::move(sealer));
  pipeline->AddListener([c](Table t, uint64_t last) {
    if (t == Table::kAuditLog) c->Durable(last);
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
  const uint64_t every = static_cast<uint64_t>(options_.checkpoint_every_entries);
  s.since_checkpoint = s.seq;
  s.limit = 1;  // no checkpoint (or an unreadable one): the next entry gets one
  if (cp->Valid()) {
    v1::AuditCheckpoint last;
    if (last.ParseFromString(cp->value().ToString())) {
      // A signed checkpoint past the head, or at it with another hash: the
      // log lost entries (or was rewritten) since it was signed. Extending
      // it would chain new entries where the checkpoint names others, and
      // verify would then blame the new, legitimate ones.
      if (last.seq() > s.seq) {
        return absl::DataLossError(absl::StrCat(
            "the access log in ", db_->path(), " ends at seq ", s.seq, " but its last signed checkpoint names seq ",
            last.seq(), ": entries were removed; the server will not extend it (run `caselink-admin audit verify "
            "--db`, restore from a backup)"));
      }
      if (last.seq() == s.seq && last.head_hash() != s.hash) {
        return absl::DataLossError(absl::StrCat(
            "the access log in ", db_->path(), " ends at seq ", s.seq, " with hash ", audit::Hex(s.hash),
            " but its last signed checkpoint names that seq with hash ", audit::Hex(last.head_hash()),
            ": entries were removed or rewritten; the server will not extend it (run `caselink-admin audit "
            "verify --db`, restore from a backup)"));
      }
      s.last_checkpoint = FromProtoTime(last.time());
      s.since_checkpoint = s.seq - last.seq();
      // Keep the last checkpoint's promise even if the setting grew since;
      // one of before the promise existed bounds nothing but the setting.
      const uint64_t promised = last.next_within_entries();
      s.limit = promised > 0 ? std::min(promised, every) : every;
    }
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
  const uint64_t every = static_cast<uint64_t>(options_.checkpoint_every_entries);
  if (working_.since_checkpoint + 1 >= working_.limit) {
    // The checkpoint the last one promised, in this entry's batch, wherever
    // the entry is in its group. Without it the entry is not written (the
    // group fails, nothing is stored): the promise would be broken.
    const absl::Time now = options_.now();
    auto cp = options_.signer->Sign(seq, hash, now, every);
    if (!cp.ok()) {
      return absl::InternalError(absl::StrCat("the audit checkpoint due at seq ", seq,
                                              " could not be signed: ", cp.status().message()));
    }
    pending_.push_back({Table::kAuditCheckpoints, CommitPipeline::SequenceKey(seq), cp->SerializeAsString()});
    working_.since_checkpoint = 0;
    working_.limit = every;
    working_.last_checkpoint = now;
  } else {
    ++working_.since_checkpoint;
  }
  AppendBytesField(v1::AuditEntry::kPrevHashFieldNumber, working_.hash, &stored);
  AppendBytesField(v1::AuditEntry::kHashFieldNumber, hash, &stored);
  working_.seq = seq;
  working_.hash = std::move(hash);
  return stored;
}

std::vector<Put> AuditChain::AfterGroup(uint64_t last_seq) {
  absl::MutexLock l(&mu_);
  std::vector<Put> puts = std::move(pending_);
  pending_.clear();
  const absl::Time now = options_.now();
  const bool due = working_.since_checkpoint > 0 && now - working_.last_checkpoint >= options_.checkpoint_every;
  if (!due || last_seq != working_.seq) {
    sealed_.push_back(working_);
    return puts;
  }
  const uint64_t every = static_cast<uint64_t>(options_.checkpoint_every_entries);
  auto cp = options_.signer->Sign(working_.seq, working_.hash, now, every);
  if (!cp.ok()) {
    // The entries stay chained and within the last promise; the next group
    // tries again.
    spdlog::error("audit checkpoint at seq {} not signed: {}", last_seq, std::string(cp.status().message()));
    sealed_.push_back(working_);
    return puts;
  }
  working_.since_checkpoint = 0;
  working_.limit = every;
  working_.last_checkpoint = now;
  puts.push_back({Table::kAuditCheckpoints, CommitPipeline::SequenceKey(last_seq), cp->SerializeAsString()});
  sealed_.push_back(working_);
  return puts;
}

void AuditChain::Rollback(uint64_t first_seq) {
  absl::MutexLock l(&mu_);
  while (!sealed_.empty() && sealed_.back().seq >= first_seq) sealed_.pop_back();
  working_ = sealed_.empty() ? committed_ : sealed_.back();
  pending_.clear();
  in_group_ = !sealed_.empty();
}

void AuditChain::Durable(uint64_t last_seq) {
  absl::MutexLock l(&mu_);
  while (!sealed_.empty() && sealed_.front().seq <= last_seq) {
    committed_ = std::move(sealed_.front());
    sealed_.pop_front();
  }
  // A group being sealed meanwhile keeps going from working_.
  in_group_ = working_.seq != committed_.seq;
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
  const uint64_t every = static_cast<uint64_t>(options_.checkpoint_every_entries);
  CASELINK_ASSIGN_OR_RETURN(v1::AuditCheckpoint cp, options_.signer->Sign(seq, hash, options_.now(), every));
  CommitRequest req;
  req.puts.push_back({Table::kAuditCheckpoints, CommitPipeline::SequenceKey(seq), cp.SerializeAsString()});
  CASELINK_RETURN_IF_ERROR(pipeline_->Commit(std::move(req)).status());
  absl::MutexLock l(&mu_);
  // If entries were sealed meanwhile, the count goes on from the checkpoint
  // before (earlier than needed: the promise still holds).
  if (committed_.seq == seq) {
    committed_.since_checkpoint = 0;
    committed_.limit = every;
  }
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
