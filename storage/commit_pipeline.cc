#include "storage/commit_pipeline.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "rocksdb/write_batch.h"
#include "storage/blocking_hook.h"
#include "storage/rocks_status.h"

namespace caselink::storage {
namespace {

// Bounds the size of one group so one huge burst does not delay everybody.
constexpr size_t kMaxGroup = 512;

}  // namespace

std::string CommitPipeline::SequenceKey(uint64_t seq) {
  std::string k(8, '\0');
  for (int i = 7; i >= 0; --i) {
    k[i] = static_cast<char>(seq & 0xff);
    seq >>= 8;
  }
  return k;
}

uint64_t CommitPipeline::DecodeSequenceKey(const std::string& key) {
  uint64_t v = 0;
  for (size_t i = 0; i < key.size() && i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(key[i]);
  return v;
}

void CommitPipeline::Pending::Set(State s) {
  absl::MutexLock l(&mu);
  state = s;
  cv.Signal();
}

CommitPipeline::Pending::State CommitPipeline::Pending::Await(bool done_only) {
  absl::MutexLock l(&mu);
  while (state == State::kQueued || (done_only && state != State::kDone)) cv.Wait(&mu);
  return state;
}

void CommitPipeline::Answer(Pending* p) {
  if (!p->done) {
    p->Set(Pending::State::kDone);  // its caller may free it at once
    return;
  }
  Done done = std::move(p->done);
  absl::StatusOr<CommitResult> result =
      p->status.ok() ? absl::StatusOr<CommitResult>(std::move(p->result)) : p->status;
  delete p;
  done(std::move(result));
}

CommitPipeline::CommitPipeline(Database* db) : db_(db) {
  for (Table t : LogTables()) {
    std::unique_ptr<rocksdb::Iterator> it(db_->raw()->NewIterator(rocksdb::ReadOptions(), db_->cf(t)));
    it->SeekToLast();
    next_seq_[t] = it->Valid() ? DecodeSequenceKey(it->key().ToString()) + 1 : 1;
  }
  syncer_ = std::thread([this] { RunSyncer(); });
}

CommitPipeline::~CommitPipeline() {
  {
    // New commits are refused; the requests already queued are written by
    // the leaders, then the syncer syncs what they wrote.
    absl::MutexLock l(&mu_);
    stopping_ = true;
    while (leading_ || !queue_.empty()) idle_cv_.Wait(&mu_);
    writers_done_ = true;
  }
  sync_cv_.SignalAll();
  syncer_.join();
}

void CommitPipeline::SetSealer(Table table, Sealer sealer) {
  absl::MutexLock l(&mu_);
  sealers_[table] = std::move(sealer);
}

uint64_t CommitPipeline::NextSequence(Table table) const {
  absl::MutexLock l(&mu_);
  auto it = next_seq_.find(table);
  return it == next_seq_.end() ? 1 : it->second;
}

void CommitPipeline::InjectFailureForTest(absl::Status status, int groups) {
  absl::MutexLock l(&mu_);
  injected_failure_ = std::move(status);
  injected_groups_left_ = groups;
}

absl::StatusOr<CommitResult> CommitPipeline::Commit(CommitRequest request) {
  Pending p;
  p.request = std::move(request);
  bool lead = false;
  {
    absl::MutexLock l(&mu_);
    if (stopping_) return absl::UnavailableError("the server is shutting down");
    if (!sync_failure_.ok()) return sync_failure_;
    queue_.push_back(&p);
    if (!leading_) lead = leading_ = true;
  }
  // Whoever waits gives its CPU slot up first (blocking_hook.h); a leader
  // of a group that needs no fsync does not wait at all.
  if (!lead) {
    BeforeBlocking();
    lead = p.Await(/*done_only=*/false) == Pending::State::kLead;
  }
  if (lead) {
    Lead();
    if (p.request.durable) BeforeBlocking();
  }
  p.Await(/*done_only=*/true);
  if (!p.status.ok()) return p.status;
  return std::move(p.result);
}

void CommitPipeline::CommitAsync(CommitRequest request, Done done) {
  auto* p = new Pending;
  p->request = std::move(request);
  p->done = std::move(done);
  bool lead = false;
  bool refused = false;
  {
    absl::MutexLock l(&mu_);
    if (stopping_) {
      p->status = absl::UnavailableError("the server is shutting down");
      refused = true;
    } else if (!sync_failure_.ok()) {
      p->status = sync_failure_;
      refused = true;
    } else {
      queue_.push_back(p);
      if (!leading_) lead = leading_ = true;
    }
  }
  // Once queued, `p` belongs to whoever leads its group, which may answer
  // and free it before this line: only the locals decide from here (reading
  // p->status here was a use after free, found by scripts/sanitize.sh).
  if (refused) {
    Answer(p);
    return;
  }
  if (lead) Lead();
}

void CommitPipeline::Lead() {
  bool first = true;
  while (true) {
    if (!first) {
      // Writing others' groups: not this caller's own work, so its CPU
      // turn (blocking_hook.h) goes to the next caller.
      BeforeBlocking();
    }
    first = false;
    std::vector<Pending*> written;
    Pending* next = LeadOneGroup(&written);
    // Read without mu_: `done` is set before the request is queued and
    // only taken by whoever answers it, after it is taken into a group,
    // which only the leader (this thread) does.
    const bool hand_over = next != nullptr && !next->done;
    // The next group is written by its caller while these are answered.
    if (hand_over) next->Set(Pending::State::kLead);
    for (Pending* p : written) Answer(p);
    if (next == nullptr || hand_over) return;
  }
}

CommitPipeline::Pending* CommitPipeline::LeadOneGroup(std::vector<Pending*>* written) {
  std::vector<Pending*> group;
  {
    absl::MutexLock l(&mu_);
    while (!queue_.empty() && group.size() < kMaxGroup) {
      group.push_back(queue_.front());
      queue_.pop_front();
    }
  }
  Written w;
  size_t durable = 0;
  if (CommitGroup(group, &w.last_in_group)) {
    // Requests that need no fsync are answered now (by the caller, once
    // the lead is passed on); the rest wait for the syncer, while the next
    // leader writes the next group.
    for (Pending* p : group) {
      if (p->request.durable) {
        w.waiting.push_back(p);
        ++durable;
      } else {
        written->push_back(p);
      }
    }
  }
  Pending* next = nullptr;
  bool wake_syncer = durable > 0;
  {
    absl::MutexLock l(&mu_);
    if (!w.last_in_group.empty() || !w.waiting.empty()) {
      // The syncer sleeps while nothing is unsynced: it must start its
      // kLazySync clock for this group.
      wake_syncer |= unsynced_.empty();
      unsynced_.push_back(std::move(w));
      durable_waiting_ += durable;
    }
    if (queue_.empty()) {
      leading_ = false;
      idle_cv_.SignalAll();
    } else {
      next = queue_.front();  // stays queued: it takes itself into its group
    }
  }
  if (wake_syncer) sync_cv_.Signal();
  return next;
}

void CommitPipeline::RunSyncer() {
  while (true) {
    std::deque<Written> batch;
    absl::Status write_failure;
    {
      absl::MutexLock l(&mu_);
      // A durable request is synced at once; groups of reads' entries only
      // wait for the next durable one, or kLazySync.
      while (!writers_done_ && durable_waiting_ == 0) {
        if (unsynced_.empty()) {
          sync_cv_.Wait(&mu_);
        } else if (sync_cv_.WaitWithTimeout(&mu_, kLazySync)) {
          break;  // timed out with unsynced groups: sync them
        }
      }
      if (unsynced_.empty()) {
        if (writers_done_) return;  // the writers stopped and all is synced
        continue;
      }
      batch.swap(unsynced_);
      durable_waiting_ = 0;
    }
    // One fsync covers every group written so far (they are all in the log).
    // Not after a failed write to the log: RocksDB refuses (and its assertion
    // builds abort) a sync of a log file whose write failed; the groups
    // waiting then fail like a failed sync, their state on disk unknown.
    absl::Status s;
    {
      // Under log_mu_ no write is in progress, so the failure of every write
      // before this fsync is known here.
      absl::MutexLock log(&log_mu_);
      {
        absl::MutexLock l(&mu_);
        write_failure = write_failure_;
      }
      s = write_failure.ok() ? FromRocks(db_->raw()->SyncWAL(), "syncing the write-ahead log") : write_failure;
    }
    std::vector<std::function<void(Table, uint64_t)>> listeners;
    absl::Status sync_failure;
    {
      absl::MutexLock l(&mu_);
      if (!s.ok() && sync_failure_.ok()) {
        absl::Status failure = absl::UnavailableError(absl::StrCat(
            "storage failed to sync (", s.message(),
            "); caselinkd refuses writes until it is restarted"));
        // Keeps the cause's marks (IsStorageFull).
        s.ForEachPayload([&failure](absl::string_view url, const absl::Cord& payload) {
          failure.SetPayload(url, payload);
        });
        sync_failure_ = std::move(failure);
      }
      listeners = listeners_;
      sync_failure = sync_failure_;
    }
    for (Written& w : batch) {
      // Listeners first: a durable commit's caller then finds what listens
      // (the audit chain's durable head, event streams) already past it.
      if (s.ok()) {
        for (const auto& [table, last] : w.last_in_group) {
          for (const auto& listener : listeners) listener(table, last);
        }
      }
      for (Pending* p : w.waiting) {
        // Written but maybe not on disk: the outcome is unknown to the client,
        // which retries with its request_id.
        if (!s.ok()) p->status = sync_failure;
        Answer(p);
      }
    }
  }
}

bool CommitPipeline::CommitGroup(std::vector<Pending*>& group,
                                 std::map<Table, uint64_t>* last_in_group_out) {
  std::map<Table, uint64_t> next;
  const std::map<Table, Sealer>& sealers = sealers_;  // fixed before the first Commit
  absl::Status injected;
  {
    absl::MutexLock l(&mu_);
    next = next_seq_;
    injected = injected_failure_;
    if (!injected.ok() && injected_groups_left_ > 0 && --injected_groups_left_ == 0) {
      injected_failure_ = absl::OkStatus();
    }
  }
  const std::map<Table, uint64_t> first = next;
  // Reserved for the whole group at once: a group of hundreds of requests
  // otherwise grows the batch by doubling, copying it and freeing large
  // blocks (glibc then consolidates its free lists) on the write's path.
  size_t bytes = 64;
  for (const Pending* p : group) {
    for (const Put& put : p->request.puts) bytes += put.key.size() + put.value.size() + 16;
    for (const Append& a : p->request.appends) {
      bytes += a.payload.size() + 96;  // key, seal
      for (const IndexPrefix& ix : a.index) bytes += ix.prefix.size() + 16;
    }
    for (const Delete& del : p->request.deletes) bytes += del.key.size() + 16;
  }
  rocksdb::WriteBatch batch(bytes);
  absl::Status status;
  std::map<Table, uint64_t> last_in_group;
  absl::flat_hash_map<std::string, uint64_t> group_counts;
  for (Pending* p : group) {
    if (!status.ok()) break;
    for (const Delete& del : p->request.deletes) {
      // Only derived tables (indexes, screening hits) lose keys, and the
      // document chunks no document refers to (a failed or duplicate
      // upload's); logs and history never do.
      if (del.table != Table::kCaseIndex && del.table != Table::kEventIndex && del.table != Table::kCaseDates &&
          del.table != Table::kDocumentBlobs && del.table != Table::kScreeningHits) {
        status = absl::InternalError("delete from a table that keeps history");
        break;
      }
      rocksdb::Status s = batch.Delete(db_->cf(del.table), del.key);
      if (!s.ok()) status = FromRocks(s, "building the write batch");
    }
    for (const Put& put : p->request.puts) {
      rocksdb::Status s = batch.Put(db_->cf(put.table), put.key, put.value);
      if (!s.ok()) status = FromRocks(s, "building the write batch");
    }
    for (const Append& a : p->request.appends) {
      auto it = next.find(a.table);
      if (it == next.end()) {
        status = absl::InternalError("append to a table that is not a log");
        break;
      }
      const uint64_t seq = it->second++;
      auto sealer = sealers.find(a.table);
      if (sealer != sealers.end() && sealer->second.seal) {
        auto sealed = sealer->second.seal(seq, a.payload);
        if (!sealed.ok()) {
          status = sealed.status();
          break;
        }
        batch.Put(db_->cf(a.table), SequenceKey(seq), *sealed);
      } else {
        batch.Put(db_->cf(a.table), SequenceKey(seq), a.payload);
      }
      if (!a.index.empty()) {
        const std::string seq_key = SequenceKey(seq);
        std::string key;
        for (const IndexPrefix& ix : a.index) {
          if (ix.counted) {
            absl::StatusOr<uint64_t> count = NextCount(ix, &group_counts);
            if (!count.ok()) {
              status = count.status();
              break;
            }
            key.assign(ix.prefix).append(SequenceKey(*count));
            batch.Put(db_->cf(ix.table), key, seq_key);
          } else {
            key.assign(ix.prefix).append(seq_key);
            batch.Put(db_->cf(ix.table), key, rocksdb::Slice());
          }
        }
      }
      p->result.sequences.push_back(seq);
      last_in_group[a.table] = seq;  // sealed: rolled back if the group fails
      if (!status.ok()) break;
    }
  }
  if (status.ok()) {
    for (const auto& [table, last] : last_in_group) {
      auto sealer = sealers.find(table);
      if (sealer == sealers.end() || !sealer->second.after_group) continue;
      for (const Put& put : sealer->second.after_group(last)) {
        batch.Put(db_->cf(put.table), put.key, put.value);
      }
    }
    // Not synced here: the syncer's fsync makes it durable (see the header).
    absl::MutexLock log(&log_mu_);
    if (!injected.ok()) {
      // As a write that fails after the group was sealed (not an I/O error:
      // the pipeline goes on), so the logs roll back as they would.
      status = injected;
    } else {
      rocksdb::Status written = db_->raw()->Write(rocksdb::WriteOptions(), &batch);
      status = FromRocks(written, "committing");
      if (written.IsIOError()) {
        absl::MutexLock l(&mu_);
        if (write_failure_.ok()) write_failure_ = status;
      }
    }
  }
  if (!status.ok()) {
    // Nothing of the group is stored; logs continue where they were.
    for (const auto& [table, last] : last_in_group) {
      auto sealer = sealers.find(table);
      if (sealer != sealers.end() && sealer->second.rollback) sealer->second.rollback(first.at(table));
    }
    for (Pending* p : group) {
      p->status = status;
      p->result.sequences.clear();
      Answer(p);
    }
    return false;
  }
  if (!group_counts.empty()) {
    absl::MutexLock l(&counts_mu_);
    for (auto& [prefix, count] : group_counts) next_count_[prefix] = count;
  }
  {
    absl::MutexLock l(&mu_);
    next_seq_ = std::move(next);
  }
  *last_in_group_out = std::move(last_in_group);
  return true;
}

absl::StatusOr<uint64_t> CommitPipeline::NextCount(const IndexPrefix& ix,
                                   absl::flat_hash_map<std::string, uint64_t>* group_counts) {
  std::string id(1, static_cast<char>(ix.table));
  id.append(ix.prefix);
  auto in_group = group_counts->find(id);
  if (in_group != group_counts->end()) return in_group->second++;
  uint64_t next = 0;
  {
    absl::MutexLock l(&counts_mu_);
    auto known = next_count_.find(id);
    if (known != next_count_.end()) next = known->second;
  }
  if (next == 0) {
    // First use since the start: continue after the prefix's last key (of
    // either layout: a database from before counting has sequence numbers
    // there, which only makes the count start higher).
    std::unique_ptr<rocksdb::Iterator> it(db_->raw()->NewIterator(rocksdb::ReadOptions(), db_->cf(ix.table)));
    it->SeekForPrev(ix.prefix + std::string(8, '\xff'));
    next = 1;
    if (it->Valid() && it->key().starts_with(ix.prefix) && it->key().size() == ix.prefix.size() + 8) {
      next = DecodeSequenceKey(it->key().ToString().substr(ix.prefix.size())) + 1;
    }
    // Unreadable, the count would reuse a number: the group fails instead.
    if (!it->status().ok()) return FromRocks(it->status(), "reading the last key of a counted index");
  }
  (*group_counts)[id] = next + 1;
  return next;
}

void CommitPipeline::AddListener(std::function<void(Table, uint64_t)> listener) {
  absl::MutexLock l(&mu_);
  listeners_.push_back(std::move(listener));
}

}  // namespace caselink::storage
