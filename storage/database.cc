#include "storage/database.h"

#include <algorithm>
#include <filesystem>
#include <iterator>

#include <sys/resource.h>

#include "absl/strings/str_cat.h"
#include "rocksdb/cache.h"
#include "rocksdb/options.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/write_batch.h"
#include "spdlog/spdlog.h"
#include "storage/case_keys.h"
#include "storage/rocks_status.h"

namespace caselink::storage {
namespace {

constexpr char kFormatKey[] = "format_version";
// Format 2 differs from 1 in who may write it, not in layout. A caselinkd of
// format 1 does not know the indexes added since (the date index), so cases it
// wrote after they were built are missing from them. Opening a format-1
// database therefore marks those indexes for a rebuild (the date index's
// marker goes) and records format 2 in one synced batch; a format-1 caselinkd
// then refuses the database ("has format version 2") instead of writing past
// the indexes again.
constexpr char kFormatVersion[] = "2";
constexpr char kUpgradableFormat[] = "1";

struct TableSpec {
  Table table;
  const char* name;
};
constexpr TableSpec kTables[] = {
    {Table::kCaseVersions, "case_versions"},
    {Table::kCaseHeads, "case_heads"},
    {Table::kRequests, "requests"},
    {Table::kMeta, "meta"},
    {Table::kAuditLog, "audit_log"},
    {Table::kAuditCheckpoints, "audit_checkpoints"},
    {Table::kAuditIndex, "audit_index"},
    {Table::kTransfers, "transfers"},
    {Table::kTransferHistory, "transfer_history"},
    {Table::kSupervision, "supervision"},
    {Table::kSupervisionHistory, "supervision_history"},
    {Table::kCaseLinks, "case_links"},
    {Table::kEvents, "events"},
    {Table::kEventIndex, "event_index"},
    {Table::kCaseIndex, "case_index"},
    {Table::kDocuments, "documents"},
    {Table::kItemDocuments, "item_documents"},
    {Table::kDocumentContent, "document_content"},
    {Table::kDocumentBlobs, "document_blobs"},
    {Table::kScreeningHits, "screening_hits"},
    {Table::kHitDismissals, "hit_dismissals"},
    {Table::kRectifications, "rectifications"},
    {Table::kRectificationHistory, "rectification_history"},
    {Table::kDecisions, "decisions"},
    {Table::kDecisionHistory, "decision_history"},
    {Table::kCampaigns, "campaigns"},
    {Table::kSamples, "samples"},
    {Table::kReviews, "reviews"},
    {Table::kMeetings, "meetings"},
    {Table::kCaseDates, "case_dates"},
};
static_assert(std::size(kTables) == static_cast<size_t>(Table::kCount),
              "every table needs a name");

// Memory is bounded whatever the size of the data, so a district's server
// keeps a steady footprint as the years of cases grow: one block cache that
// also holds the index and filter blocks (otherwise they grow with every
// table file) and one budget for all memtables (DBOptions below).
constexpr size_t kBlockCacheBytes = 64 << 20;
constexpr size_t kMemtableBudgetBytes = 96 << 20;

rocksdb::ColumnFamilyOptions TableOptions() {
  static const std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(kBlockCacheBytes);
  rocksdb::ColumnFamilyOptions o;
  o.write_buffer_size = 32 << 20;
  // Sizes the levels from the bottom up: less space and write amplification
  // as the district's years of cases grow (RocksDB's recommended setting).
  o.level_compaction_dynamic_level_bytes = true;
  // Fresh flushes (L0) stay uncompressed, so flushing during a ledger import
  // costs less CPU; LZ4 (fast to compress and to read) for every level below.
  o.compression_per_level = {rocksdb::kNoCompression, rocksdb::kLZ4Compression,
                             rocksdb::kLZ4Compression, rocksdb::kLZ4Compression,
                             rocksdb::kLZ4Compression, rocksdb::kLZ4Compression,
                             rocksdb::kLZ4Compression};
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = cache;
  // Index and filter are partitioned into 4 KiB blocks cached like data,
  // with only their small top level pinned: a point lookup in a database of
  // millions of cases loads a few KiB, not a whole table's index and filter
  // (hundreds of KiB, evicted again by the next scan).
  t.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
  t.partition_filters = true;
  t.metadata_block_size = 4096;
  t.cache_index_and_filter_blocks = true;
  t.cache_index_and_filter_blocks_with_high_priority = true;
  t.pin_top_level_index_and_filter = true;
  t.pin_l0_filter_and_index_blocks_in_cache = true;
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

// Document content: chunks of 1 MiB go to blob files (RocksDB's integrated
// BlobDB), so compactions move small references, not megabytes of PDF, and
// the LSM tree stays the size of the metadata. Blob garbage collection
// reclaims the chunks of an upload that failed or was a duplicate.
rocksdb::ColumnFamilyOptions BlobTableOptions() {
  rocksdb::ColumnFamilyOptions o = TableOptions();
  o.enable_blob_files = true;
  o.min_blob_size = 64 << 10;
  o.blob_file_size = 256 << 20;
  o.enable_blob_garbage_collection = true;
  o.blob_garbage_collection_age_cutoff = 0.25;
  // Scanned PDFs and images are already compressed.
  o.blob_compression_type = rocksdb::kNoCompression;
  // Blob values sit in the memtable until a flush writes them to a blob
  // file: small memtables keep an upload of 64 MiB from holding 64 MiB of
  // memory (each flush writes its own blob file).
  o.write_buffer_size = 1 << 20;
  o.max_write_buffer_number = 2;
  return o;
}

// Table and blob files are opened on demand and kept open up to half the
// process's descriptor limit (the rest serve connections): a store of many
// small blob files must not exhaust it.
int OpenFileBudget() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) != 0 || r.rlim_cur == RLIM_INFINITY) return -1;
  return static_cast<int>(std::max<rlim_t>(64, r.rlim_cur / 2));
}

// Where a log's or an index's next key goes in the memtable: a log's keys
// (big-endian sequence numbers) always go at its end, and an agency's
// access-log index keys (a agency \0 time seq) after that agency's last one.
// RocksDB keeps an insert hint per prefix, so such an insert skips the
// search from the skip list's top (every read writes such keys). Keys by case
// or party are not hinted: a hint per distinct value costs ~250 bytes.
class AppendHint final : public rocksdb::SliceTransform {
 public:
  explicit AppendHint(bool agency_index) : agency_index_(agency_index) {}
  const char* Name() const override {
    return agency_index_ ? "caselink.AgencyIndexHint" : "caselink.LogAppendHint";
  }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return agency_index_ ? rocksdb::Slice(key.data(), key.size() - 16) : rocksdb::Slice(key.data(), 0);
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return !agency_index_ || (key.size() > 16 && key[0] == 'a');
  }

 private:
  bool agency_index_;
};

rocksdb::ColumnFamilyOptions OptionsOf(const std::string& name) {
  if (name == "document_blobs") return BlobTableOptions();
  rocksdb::ColumnFamilyOptions o = TableOptions();
  if (name == TableName(Table::kAuditLog) || name == TableName(Table::kEvents)) {
    o.memtable_insert_with_hint_prefix_extractor = std::make_shared<AppendHint>(false);
  } else if (name == TableName(Table::kAuditIndex)) {
    o.memtable_insert_with_hint_prefix_extractor = std::make_shared<AppendHint>(true);
  }
  return o;
}

}  // namespace

const char* TableName(Table t) { return kTables[static_cast<size_t>(t)].name; }

std::vector<Table> LogTables() { return {Table::kAuditLog, Table::kEvents}; }

rocksdb::WriteOptions Database::DurableWrite() {
  rocksdb::WriteOptions w;
  w.sync = true;
  return w;
}

rocksdb::ColumnFamilyHandle* Database::cf(Table t) const {
  return handles_[static_cast<size_t>(t)];
}

rocksdb::Status Database::Get(const rocksdb::ReadOptions& ro, Table t, const rocksdb::Slice& key,
                              std::string* value) const {
  return db_->Get(ro, cf(t), key, value);
}

uint64_t Database::ApproximateSize(Table t, const rocksdb::Slice& start, const rocksdb::Slice& limit) const {
  rocksdb::SizeApproximationOptions o;
  o.include_memtables = true;
  o.include_files = true;
  rocksdb::Range range(start, limit);
  uint64_t size = 0;
  if (!db_->GetApproximateSizes(o, cf(t), &range, 1, &size).ok()) return 0;
  return size;
}

bool Database::KeyMayExist(const rocksdb::ReadOptions& ro, Table t, const rocksdb::Slice& key) const {
  std::string ignored;
  return db_->KeyMayExist(ro, cf(t), key, &ignored);
}

std::unique_ptr<rocksdb::Iterator> Database::NewIterator(const rocksdb::ReadOptions& ro, Table t) const {
  return std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(ro, cf(t)));
}

void Database::MultiGet(const rocksdb::ReadOptions& ro, Table t, size_t n, const rocksdb::Slice* keys,
                        rocksdb::PinnableSlice* values, rocksdb::Status* statuses,
                        bool sorted_input) const {
  db_->MultiGet(ro, cf(t), n, keys, values, statuses, sorted_input);
}

std::shared_ptr<const rocksdb::Snapshot> Database::Snapshot() const {
  rocksdb::DB* db = db_.get();
  return std::shared_ptr<const rocksdb::Snapshot>(db->GetSnapshot(),
                                                  [db](const rocksdb::Snapshot* s) { db->ReleaseSnapshot(s); });
}

bool Database::GetIntProperty(Table t, const rocksdb::Slice& property, uint64_t* value) const {
  return db_->GetIntProperty(cf(t), property, value);
}

absl::Status Database::Flush() {
  rocksdb::FlushOptions fo;
  std::vector<rocksdb::ColumnFamilyHandle*> all(handles_.begin(), handles_.end());
  return FromRocks(db_->Flush(fo, all), "flushing the memtables");
}

namespace {

// True if `dir` holds files only RocksDB writes (CURRENT, IDENTITY,
// MANIFEST-*, OPTIONS-*, *.sst, *.log, *.blob).
bool LooksLikeRocksDb(const std::string& dir) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  for (; !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const std::string ext = it->path().extension().string();
    if (name == "CURRENT" || name == "IDENTITY" || name.rfind("MANIFEST-", 0) == 0 ||
        name.rfind("OPTIONS-", 0) == 0 || ext == ".sst" || ext == ".log" || ext == ".blob") {
      return true;
    }
  }
  return false;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const std::string& path, rocksdb::Env* env) {
  rocksdb::DBOptions dbo;
  if (env != nullptr) dbo.env = env;
  dbo.create_if_missing = true;
  dbo.create_missing_column_families = true;
  dbo.paranoid_checks = true;
  dbo.max_background_jobs = 2;
  dbo.max_open_files = OpenFileBudget();
  dbo.keep_log_file_num = 5;
  dbo.db_write_buffer_size = kMemtableBudgetBytes;

  // Every existing family must be opened, also ones a newer version added.
  std::vector<std::string> existing;
  rocksdb::Status ls = rocksdb::DB::ListColumnFamilies(dbo, path, &existing);
  if (ls.ok()) {
    // An existing RocksDB must be a caselink one: never adopt another store.
    if (std::find(existing.begin(), existing.end(), "meta") == existing.end()) {
      // Corruption shows up here too; report it as such if RocksDB cannot
      // even read the database.
      std::vector<rocksdb::ColumnFamilyDescriptor> probe_descs;
      for (const std::string& name : existing) probe_descs.emplace_back(name, rocksdb::ColumnFamilyOptions());
      std::vector<rocksdb::ColumnFamilyHandle*> probe_handles;
      rocksdb::DB* probe = nullptr;
      rocksdb::Status ps = rocksdb::DB::OpenForReadOnly(dbo, path, probe_descs, &probe_handles, &probe);
      if (!ps.ok()) return FromRocks(ps, absl::StrCat("opening database at ", path));
      for (auto* h : probe_handles) probe->DestroyColumnFamilyHandle(h);
      delete probe;
      return absl::FailedPreconditionError(absl::StrCat(
          path, " holds a RocksDB database that is not a caselink database; refusing to use it"));
    }
  } else {
    // No database yet: only an absent or empty directory becomes one, so a
    // mistyped db_path never turns someone's files into a database.
    std::error_code ec;
    if (std::filesystem::exists(path, ec) &&
        (!std::filesystem::is_directory(path, ec) || !std::filesystem::is_empty(path, ec))) {
      // RocksDB's own files there: a database, damaged (its CURRENT or
      // MANIFEST lost or corrupt), not someone's other files.
      if (LooksLikeRocksDb(path)) {
        return absl::DataLossError(absl::StrCat(
            path, " holds a RocksDB database that cannot be opened (", ls.ToString(),
            "): if it is this district's database, stop here and restore the newest backup "
            "(caselink-admin restore --from BACKUP_DIR, docs/operations.md) into an empty directory; "
            "keep the damaged one for investigation"));
      }
      return absl::FailedPreconditionError(absl::StrCat(
          path, " exists but cannot be opened as a caselink database (", ls.ToString(),
          "); give db_path an empty or new directory"));
    }
    existing.clear();
  }

  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  descs.emplace_back(rocksdb::kDefaultColumnFamilyName, TableOptions());
  for (const TableSpec& s : kTables) descs.emplace_back(s.name, OptionsOf(s.name));
  for (const std::string& name : existing) {
    bool known = std::any_of(descs.begin(), descs.end(),
                             [&](const auto& d) { return d.name == name; });
    if (!known) descs.emplace_back(name, TableOptions());
  }

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(dbo, path, descs, &handles, &raw);
  if (!s.ok()) {
    return FromRocks(s, absl::StrCat("opening database at ", path));
  }
  std::unique_ptr<Database> d(new Database());
  d->path_ = path;
  d->db_.reset(raw);
  d->default_cf_ = handles[0];
  d->handles_.assign(std::size(kTables), nullptr);
  for (size_t i = 0; i < std::size(kTables); ++i) d->handles_[i] = handles[i + 1];
  // Handles of unknown families are kept alive by the DB; destroy on close.
  for (size_t i = std::size(kTables) + 1; i < handles.size(); ++i)
    d->handles_.push_back(handles[i]);

  std::string format;
  rocksdb::Status g = raw->Get(rocksdb::ReadOptions(), d->cf(Table::kMeta), kFormatKey, &format);
  if (g.IsNotFound()) {
    rocksdb::Status p = raw->Put(DurableWrite(), d->cf(Table::kMeta), kFormatKey, kFormatVersion);
    if (!p.ok()) return FromRocks(p, "writing the format version");
  } else if (!g.ok()) {
    return FromRocks(g, "reading the format version");
  } else if (format == kUpgradableFormat) {
    rocksdb::WriteBatch upgrade;
    rocksdb::Status b = upgrade.Delete(d->cf(Table::kMeta), kCaseDatesZoneKey);
    if (b.ok()) b = upgrade.Put(d->cf(Table::kMeta), kFormatKey, kFormatVersion);
    if (b.ok()) b = raw->Write(DurableWrite(), &upgrade);
    if (!b.ok()) return FromRocks(b, absl::StrCat("upgrading database at ", path, " to format version 2"));
    spdlog::info("database {}: format version 1 upgraded to 2 (earlier caselinkd versions now refuse it); the "
                 "date index is rebuilt once",
                 path);
  } else if (format != kFormatVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("database at ", path, " has format version ", format,
                     "; this caselinkd reads versions ", kUpgradableFormat, " (upgraded on open) and ",
                     kFormatVersion, ": run the caselinkd that wrote it (docs/operations.md, upgrades)"));
  }
  return d;
}

absl::StatusOr<std::unique_ptr<Database>> Database::OpenReadOnly(const std::string& path) {
  rocksdb::DBOptions dbo;
  std::vector<std::string> existing;
  rocksdb::Status ls = rocksdb::DB::ListColumnFamilies(dbo, path, &existing);
  if (!ls.ok()) return FromRocks(ls, absl::StrCat("opening database at ", path, " read-only"));
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  for (const std::string& name : existing) descs.emplace_back(name, OptionsOf(name));
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::OpenForReadOnly(dbo, path, descs, &handles, &raw);
  if (!s.ok()) return FromRocks(s, absl::StrCat("opening database at ", path, " read-only"));
  std::unique_ptr<Database> d(new Database());
  d->path_ = path;
  d->db_.reset(raw);
  d->handles_.assign(std::size(kTables), nullptr);
  std::vector<rocksdb::ColumnFamilyHandle*> extra;
  for (size_t i = 0; i < handles.size(); ++i) {
    if (descs[i].name == rocksdb::kDefaultColumnFamilyName) {
      d->default_cf_ = handles[i];
      continue;
    }
    bool known = false;
    for (size_t t = 0; t < std::size(kTables); ++t) {
      if (descs[i].name == kTables[t].name) {
        d->handles_[t] = handles[i];
        known = true;
      }
    }
    if (!known) extra.push_back(handles[i]);
  }
  for (size_t t = 0; t < std::size(kTables); ++t) {
    if (d->handles_[t] == nullptr) {
      for (auto* h : handles) raw->DestroyColumnFamilyHandle(h);
      d->handles_.clear();
      d->default_cf_ = nullptr;
      d->db_.reset();
      return absl::FailedPreconditionError(
          absl::StrCat(path, " is not a caselink database (no table ", kTables[t].name, ")"));
    }
  }
  d->handles_.insert(d->handles_.end(), extra.begin(), extra.end());
  return d;
}

Database::~Database() {
  if (!db_) return;
  for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
  db_->DestroyColumnFamilyHandle(default_cf_);
  db_->Close();
}

}  // namespace caselink::storage
