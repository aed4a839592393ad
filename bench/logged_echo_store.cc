#include "logged_echo_store.h"

#include <chrono>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "openssl/evp.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"

namespace caselink::bench {
namespace {

std::string RecordKey(uint64_t n) { return absl::StrCat("r", n); }

constexpr absl::string_view kNul("\0", 1);

std::string Be64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xff);
  return out;
}

// SHA-256(prev || entry), with the algorithm fetched once and a context per
// thread, as caselinkd's chain does.
std::string Chain(const std::string& prev, const std::string& entry) {
  static EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestInit_ex(ctx.get(), sha256, nullptr);
  EVP_DigestUpdate(ctx.get(), prev.data(), prev.size());
  EVP_DigestUpdate(ctx.get(), entry.data(), entry.size());
  EVP_DigestFinal_ex(ctx.get(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

}  // namespace

absl::StatusOr<std::unique_ptr<LoggedEchoStore>> LoggedEchoStore::Open(const std::string& dir,
                                                                       const LoggedEchoShape& shape) {
  if (shape.records < 1 || shape.record_bytes < 0 || shape.entry_bytes < 0 || shape.index_keys < 0) {
    return absl::InvalidArgumentError("logged echo: records must be >= 1 and sizes >= 0");
  }
  rocksdb::Options options;  // defaults, as the other raw baselines
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &raw);
  if (!s.ok()) return absl::InternalError(absl::StrCat("rocksdb open ", dir, ": ", s.ToString()));
  std::unique_ptr<rocksdb::DB> db(raw);
  const std::string record(shape.record_bytes, 'x');
  rocksdb::WriteBatch batch;
  for (int n = 0; n < shape.records; ++n) batch.Put(RecordKey(n), record);
  s = db->Write(rocksdb::WriteOptions(), &batch);
  if (!s.ok()) return absl::InternalError(absl::StrCat("rocksdb write: ", s.ToString()));
  return std::unique_ptr<LoggedEchoStore>(new LoggedEchoStore(dir, std::move(db), shape));
}

LoggedEchoStore::LoggedEchoStore(std::string dir, std::unique_ptr<rocksdb::DB> db, LoggedEchoShape shape)
    : dir_(std::move(dir)), db_(std::move(db)), shape_(shape), head_(32, '\0') {
  syncer_ = std::thread([this] { SyncLoop(); });
}

LoggedEchoStore::~LoggedEchoStore() {
  stop_ = true;
  syncer_.join();
  db_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void LoggedEchoStore::SyncLoop() {
  while (!stop_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    db_->SyncWAL();
  }
}

absl::StatusOr<std::string> LoggedEchoStore::Read(uint64_t n, bool write_entry) {
  const uint64_t id = n % static_cast<uint64_t>(shape_.records);
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), RecordKey(id), &value);
  if (!s.ok()) return absl::InternalError(absl::StrCat("rocksdb get: ", s.ToString()));
  if (!write_entry) return value;

  // The entry: its payload is built outside the chain's lock, as caselinkd
  // builds an entry in the calling thread and only seals it in order.
  std::string entry(static_cast<size_t>(shape_.entry_bytes), 'e');
  rocksdb::WriteBatch batch;
  uint64_t seq = 0;
  {
    absl::MutexLock l(&chain_mu_);
    seq = ++seq_;
    head_ = Chain(head_, entry);
    entry.append(head_);
  }
  const std::string seq_key = Be64(seq);
  batch.Put(absl::StrCat("l", seq_key), entry);
  const std::string time_key = Be64(static_cast<uint64_t>(absl::ToUnixMicros(absl::Now())));
  for (int i = 0; i < shape_.index_keys; ++i) {
    // Index keys land where a real log's do: by case (a random place), by
    // agency and time (the end), by party (random places).
    switch (i) {
      case 0: batch.Put(absl::StrCat("ic", RecordKey(id), kNul, seq_key), ""); break;
      case 1: batch.Put(absl::StrCat("iapsb", kNul, time_key, seq_key), ""); break;
      default: batch.Put(absl::StrCat("ip", Be64((id * 2654435761u + i) % 1000003), seq_key), "");
    }
  }
  s = db_->Write(rocksdb::WriteOptions(), &batch);
  if (!s.ok()) return absl::InternalError(absl::StrCat("rocksdb write: ", s.ToString()));
  return value;
}

}  // namespace caselink::bench
