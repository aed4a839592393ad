#include "storage/document_store.h"

#include <algorithm>
#include <atomic>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/time/clock.h"
#include "absl/strings/str_cat.h"
#include "caselink/v1/storage.pb.h"
#include "caselink_common/status_macros.h"
#include "openssl/evp.h"
#include "openssl/rand.h"
#include "storage/case_keys.h"
#include "storage/rocks_status.h"

namespace caselink::storage {
namespace {

constexpr size_t kBlobIdBytes = 16;

std::string ChunkKey(const std::string& blob_id, uint32_t chunk) {
  std::string k = blob_id;
  for (int shift = 24; shift >= 0; shift -= 8) k.push_back(static_cast<char>((chunk >> shift) & 0xff));
  return k;
}

std::string ItemKey(const std::string& item_id, const std::string& doc_id) {
  return absl::StrCat(item_id, absl::string_view("\0", 1), doc_id);
}

// Drafts are indexed under their uploader, and so are the drafts a creation
// attached (by the draft's id): "~" never starts an item id (the request
// validator admits only case-id shapes).
std::string DraftIndexOf(const std::string& agency) { return absl::StrCat("~draft:", agency); }
std::string AttachedIndexOf(const std::string& agency) { return absl::StrCat("~attached:", agency); }

// What holds a document, for its index and its byte limit: its item, or its
// uploader's drafts.
std::string HolderOf(const std::string& item_id, const std::string& agency) {
  return item_id.empty() ? DraftIndexOf(agency) : item_id;
}

std::string IndexKeyOf(const v1::Document& doc) {
  return ItemKey(HolderOf(doc.item_id(), doc.uploader_agency()), doc.id());
}

// The ids indexed under `index` (an item id, DraftIndexOf, AttachedIndexOf),
// in key order.
absl::StatusOr<std::vector<std::string>> IdsUnder(const Database& db, const std::string& index) {
  const std::string prefix = absl::StrCat(index, absl::string_view("\0", 1));
  std::vector<std::string> ids;
  auto it = db.NewIterator(rocksdb::ReadOptions(), Table::kItemDocuments);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    ids.push_back(it->key().ToString().substr(prefix.size()));
  }
  CASELINK_RETURN_IF_ERROR(FromRocks(it->status(), "listing an item's documents"));
  return ids;
}

// The content table is keyed by the raw 32 bytes of the hash.
absl::StatusOr<std::string> ContentKey(const std::string& sha256_hex) {
  std::string raw;
  if (sha256_hex.size() != 64 || !absl::c_all_of(sha256_hex, [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      })) {
    return absl::InvalidArgumentError("sha256: must be 64 lowercase hex digits");
  }
  raw = absl::HexStringToBytes(sha256_hex);
  return raw;
}

// The size chunk `i` of a content of `size` bytes must have.
int64_t ChunkSize(int64_t size, int64_t chunk_bytes, int64_t i) {
  return std::min(chunk_bytes, size - i * chunk_bytes);
}

// The content record of a hash, if stored.
absl::StatusOr<std::optional<std::string>> Content(const Database& db, const std::string& sha256_hex) {
  CASELINK_ASSIGN_OR_RETURN(std::string key, ContentKey(sha256_hex));
  std::string bytes;
  rocksdb::Status s = db.Get(rocksdb::ReadOptions(), Table::kDocumentContent, key, &bytes);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, "reading a document's content record");
  return bytes;
}

absl::Status ReadContent(const Database& db, const v1::Document& doc, int64_t offset,
                         const std::function<bool(absl::string_view)>& sink) {
  if (offset < 0 || offset > doc.size()) {
    return absl::OutOfRangeError(absl::StrCat("offset: ", offset, " is outside the document (0..", doc.size(), ")"));
  }
  CASELINK_ASSIGN_OR_RETURN(std::optional<std::string> bytes, Content(db, doc.sha256()));
  if (!bytes.has_value()) {
    return absl::DataLossError(absl::StrCat("the content of document '", doc.id(), "' is missing"));
  }
  v1::DocumentContent content;
  if (!content.ParseFromString(*bytes) || content.chunk_bytes() <= 0 || content.size() != doc.size()) {
    return absl::DataLossError(absl::StrCat("the content record of document '", doc.id(), "' is corrupted"));
  }
  const int64_t cb = content.chunk_bytes();
  std::string chunk;
  for (int64_t i = offset / cb; i * cb < content.size(); ++i) {
    rocksdb::Status s = db.Get(rocksdb::ReadOptions(), Table::kDocumentBlobs,
                               ChunkKey(content.blob_id(), static_cast<uint32_t>(i)), &chunk);
    if (s.IsNotFound() || (s.ok() && static_cast<int64_t>(chunk.size()) != ChunkSize(content.size(), cb, i))) {
      return absl::DataLossError(absl::StrCat("chunk ", i, " of document '", doc.id(), "' is missing or damaged"));
    }
    CASELINK_RETURN_IF_ERROR(FromRocks(s, "reading a document's content"));
    absl::string_view piece(chunk);
    if (i == offset / cb) piece.remove_prefix(static_cast<size_t>(offset % cb));
    if (!piece.empty() && !sink(piece)) return absl::OkStatus();
  }
  return absl::OkStatus();
}

}  // namespace

// A running SHA-256, for uploads as they arrive and for VerifyAll.
struct DocumentStore::BlobWriter::Hash {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  Hash() { EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr); }
  ~Hash() { EVP_MD_CTX_free(ctx); }
  Hash(const Hash&) = delete;
  Hash& operator=(const Hash&) = delete;
  void Update(absl::string_view bytes) { EVP_DigestUpdate(ctx, bytes.data(), bytes.size()); }
  std::string Hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx, md, &len);
    return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(md), len));
  }
};

DocumentStore::BlobWriter::BlobWriter(DocumentStore* store, std::string blob_id)
    : store_(store), blob_id_(std::move(blob_id)), hash_(std::make_unique<Hash>()) {}

DocumentStore::BlobWriter::BlobWriter(BlobWriter&& o) noexcept
    : store_(o.store_),
      blob_id_(std::move(o.blob_id_)),
      hash_(std::move(o.hash_)),
      buffer_(std::move(o.buffer_)),
      size_(o.size_),
      chunks_(o.chunks_),
      finished_(o.finished_),
      settled_(o.settled_) {
  o.settled_ = true;  // the moved-from writer owns nothing
}

DocumentStore::BlobWriter::~BlobWriter() {
  if (!settled_) (void)Abandon();
}

absl::Status DocumentStore::BlobWriter::Append(absl::string_view bytes) {
  if (finished_) return absl::FailedPreconditionError("the upload's content is already finished");
  hash_->Update(bytes);
  size_ += static_cast<int64_t>(bytes.size());
  while (!bytes.empty()) {
    const size_t take = std::min(bytes.size(), static_cast<size_t>(kChunkBytes) - buffer_.size());
    buffer_.append(bytes.data(), take);
    bytes.remove_prefix(take);
    if (static_cast<int64_t>(buffer_.size()) == kChunkBytes) CASELINK_RETURN_IF_ERROR(WriteChunk());
  }
  return absl::OkStatus();
}

absl::Status DocumentStore::BlobWriter::WriteChunk() {
  CommitRequest req;
  // Written, not synced: the document's own commit syncs the log, and with
  // it every chunk written before.
  req.durable = false;
  req.puts.push_back({Table::kDocumentBlobs, ChunkKey(blob_id_, chunks_), std::move(buffer_)});
  buffer_.clear();
  ++chunks_;
  return store_->pipeline_->Commit(std::move(req)).status();
}

absl::StatusOr<std::string> DocumentStore::BlobWriter::Finish() {
  if (finished_) return absl::FailedPreconditionError("the upload's content is already finished");
  if (!buffer_.empty()) CASELINK_RETURN_IF_ERROR(WriteChunk());
  finished_ = true;
  return hash_->Hex();
}

absl::Status DocumentStore::BlobWriter::Abandon() {
  if (settled_) return absl::OkStatus();
  settled_ = true;
  if (chunks_ == 0) return absl::OkStatus();
  CommitRequest req;
  req.durable = false;
  for (uint32_t i = 0; i < chunks_; ++i) req.deletes.push_back({Table::kDocumentBlobs, ChunkKey(blob_id_, i)});
  return store_->pipeline_->Commit(std::move(req)).status();
}

DocumentStore::BlobWriter DocumentStore::NewBlob() {
  std::string id(kBlobIdBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(id.data()), static_cast<int>(id.size())) != 1) {
    // Unreachable on a working system; a fixed id would let two uploads
    // share chunks, so make it unique another way.
    static std::atomic<uint64_t> counter{0};
    id = absl::StrCat(absl::ToUnixNanos(absl::Now()), "-", counter++);
    id.resize(kBlobIdBytes, '\0');
  }
  return BlobWriter(this, std::move(id));
}

std::string DocumentStore::RequestKeyOf(const std::string& agency, const std::string& request_id) {
  // "d\0agency\0id": apart from cases' and workflow items' keys.
  return RequestKey(absl::StrCat("d", absl::string_view("\0", 1), agency), request_id);
}

absl::StatusOr<std::optional<v1::Document>> DocumentStore::FindRequest(const std::string& agency,
                                                                       const std::string& request_id,
                                                                       const std::string& digest) const {
  std::string bytes;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Table::kRequests, RequestKeyOf(agency, request_id), &bytes);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, "reading the request record");
  v1::DocumentRequestRecord rec;
  if (!rec.ParseFromString(bytes)) return absl::DataLossError("stored document request record is corrupted");
  if (rec.request_digest() != digest) {
    return absl::AlreadyExistsError(absl::StrCat("request_id '", request_id,
                                                 "' was already used for a different upload; use a new request_id"));
  }
  CASELINK_ASSIGN_OR_RETURN(v1::Document doc, Get(rec.document_id()));
  return doc;
}

absl::StatusOr<DocumentStore::CommitOutcome> DocumentStore::Commit(const CommitCommand& cmd, BlobWriter* writer) {
  if (writer == nullptr || !writer->finished_ || writer->settled_) {
    return absl::InternalError("DocumentStore::Commit needs a finished, unsettled writer");
  }
  const v1::Document& doc = cmd.document;
  CASELINK_ASSIGN_OR_RETURN(std::string content_key, ContentKey(doc.sha256()));
  if (writer->size() != doc.size()) return absl::InternalError("the writer's size is not the document's");
  const std::string req_key = RequestKeyOf(cmd.agency, cmd.request_id);
  // The content key too: two uploads of the same new content must not both
  // write its record. And the holder (the item, or the uploader's drafts):
  // its total is summed and the document added under one lock, or
  // concurrent uploads each see the total without the others and together
  // pass the limit. ("held\0" keeps the key apart from the raw hash and
  // request keys.)
  const std::string holder_key =
      absl::StrCat("held", absl::string_view("\0", 1), HolderOf(doc.item_id(), doc.uploader_agency()));
  KeyLocks::Guard guard = locks_.Lock({req_key, content_key, holder_key});

  CASELINK_ASSIGN_OR_RETURN(std::optional<v1::Document> earlier,
                            FindRequest(cmd.agency, cmd.request_id, cmd.request_digest));
  if (earlier.has_value()) {
    CASELINK_RETURN_IF_ERROR(writer->Abandon());
    return CommitOutcome{*std::move(earlier), true, true};
  }
  if (absl::Status room = CheckRoom(doc.item_id(), doc.uploader_agency(), doc.size(), cmd.max_bytes_held);
      !room.ok()) {
    // The upload is refused: its chunks go, as any failed upload's.
    CASELINK_RETURN_IF_ERROR(writer->Abandon());
    return room;
  }
  CASELINK_ASSIGN_OR_RETURN(std::optional<std::string> existing, Content(*db_, doc.sha256()));

  CommitRequest commit;
  if (existing.has_value()) {
    for (uint32_t i = 0; i < writer->chunks_; ++i) {
      commit.deletes.push_back({Table::kDocumentBlobs, ChunkKey(writer->blob_id_, i)});
    }
  } else {
    v1::DocumentContent content;
    content.set_blob_id(writer->blob_id_);
    content.set_size(doc.size());
    content.set_chunk_bytes(kChunkBytes);
    content.set_content_type(doc.content_type());
    commit.puts.push_back({Table::kDocumentContent, content_key, content.SerializeAsString()});
  }
  commit.puts.push_back({Table::kDocuments, doc.id(), doc.SerializeAsString()});
  commit.puts.push_back({Table::kItemDocuments, IndexKeyOf(doc), ""});
  v1::DocumentRequestRecord rec;
  rec.set_request_digest(cmd.request_digest);
  rec.set_document_id(doc.id());
  commit.puts.push_back({Table::kRequests, req_key, rec.SerializeAsString()});
  if (cmd.attach) CASELINK_RETURN_IF_ERROR(cmd.attach(doc, &commit));
  CASELINK_RETURN_IF_ERROR(pipeline_->Commit(std::move(commit)).status());
  writer->settled_ = true;
  return CommitOutcome{doc, false, existing.has_value()};
}

absl::Status DocumentStore::CheckRoom(const std::string& item_id, const std::string& agency, int64_t adding,
                                      int64_t limit) const {
  if (limit <= 0) return absl::OkStatus();
  CASELINK_ASSIGN_OR_RETURN(std::vector<std::string> ids, IdsUnder(*db_, HolderOf(item_id, agency)));
  absl::flat_hash_set<std::string> attached;
  if (item_id.empty()) {
    CASELINK_ASSIGN_OR_RETURN(std::vector<std::string> marked, IdsUnder(*db_, AttachedIndexOf(agency)));
    attached.insert(marked.begin(), marked.end());
  }
  int64_t held = 0;
  for (const std::string& id : ids) {
    if (attached.contains(id)) continue;
    CASELINK_ASSIGN_OR_RETURN(v1::Document doc, Get(id));
    held += doc.size();
  }
  if (held + adding <= limit) return absl::OkStatus();
  const std::string holds = item_id.empty()
                                ? absl::StrCat("agency '", agency, "' already holds ", held,
                                               " bytes of drafts not attached to an item")
                                : absl::StrCat("item '", item_id, "' already holds ", held, " bytes of documents");
  const char* setting = item_id.empty() ? " bytes of drafts an agency (documents.max_draft_bytes_per_agency)"
                                        : " bytes an item (documents.max_item_bytes)";
  return absl::OutOfRangeError(
      absl::StrCat("header.size: ", holds, "; ", adding, " more would pass the limit of ", limit, setting));
}

absl::StatusOr<v1::Document> DocumentStore::Get(const std::string& id) const {
  std::string bytes;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Table::kDocuments, id, &bytes);
  if (s.IsNotFound()) return absl::NotFoundError(absl::StrCat("document '", id, "' not found"));
  if (!s.ok()) return FromRocks(s, "reading a document");
  v1::Document doc;
  if (!doc.ParseFromString(bytes)) return absl::DataLossError(absl::StrCat("stored document '", id, "' is corrupted"));
  return doc;
}

absl::StatusOr<std::vector<v1::Document>> DocumentStore::ListDrafts(const std::string& agency) const {
  return ListByItem(DraftIndexOf(agency));
}

std::vector<Put> DocumentStore::AttachmentPuts(const v1::Document& attached) {
  return {{Table::kDocuments, attached.id(), attached.SerializeAsString()},
          {Table::kItemDocuments, IndexKeyOf(attached), ""},
          {Table::kItemDocuments, ItemKey(AttachedIndexOf(attached.uploader_agency()), attached.draft_id()), ""}};
}

absl::StatusOr<std::vector<v1::Document>> DocumentStore::ListByItem(const std::string& item_id) const {
  CASELINK_ASSIGN_OR_RETURN(std::vector<std::string> ids, IdsUnder(*db_, item_id));
  std::vector<v1::Document> out;
  for (const std::string& id : ids) {
    CASELINK_ASSIGN_OR_RETURN(v1::Document doc, Get(id));
    out.push_back(std::move(doc));
  }
  std::stable_sort(out.begin(), out.end(), [](const v1::Document& a, const v1::Document& b) {
    const auto& x = a.upload_time();
    const auto& y = b.upload_time();
    return std::make_pair(x.seconds(), x.nanos()) < std::make_pair(y.seconds(), y.nanos());
  });
  return out;
}

absl::Status DocumentStore::Read(const v1::Document& doc, int64_t offset,
                                 const std::function<bool(absl::string_view)>& sink) const {
  return ReadContent(*db_, doc, offset, sink);
}

absl::StatusOr<int64_t> DocumentStore::VerifyAll(const Database& db) {
  int64_t checked = 0;
  auto it = db.NewIterator(rocksdb::ReadOptions(), Table::kDocumentContent);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string sha = absl::BytesToHexString(it->key().ToString());
    v1::DocumentContent content;
    if (!content.ParseFromString(it->value().ToString()) || content.chunk_bytes() <= 0) {
      return absl::DataLossError(absl::StrCat("the content record of ", sha, " is corrupted"));
    }
    BlobWriter::Hash hash;
    v1::Document probe;
    probe.set_id(sha);
    probe.set_sha256(sha);
    probe.set_size(content.size());
    int64_t seen = 0;
    absl::Status read = ReadContent(db, probe, 0, [&](absl::string_view piece) {
      hash.Update(piece);
      seen += static_cast<int64_t>(piece.size());
      return true;
    });
    if (!read.ok()) return absl::DataLossError(absl::StrCat("content ", sha, ": ", read.message()));
    const std::string got = hash.Hex();
    if (seen != content.size() || got != sha) {
      return absl::DataLossError(absl::StrCat("content ", sha, " does not match its hash (read ", seen,
                                              " bytes hashing to ", got, ")"));
    }
    ++checked;
  }
  CASELINK_RETURN_IF_ERROR(FromRocks(it->status(), "reading the document contents"));
  auto docs = db.NewIterator(rocksdb::ReadOptions(), Table::kDocuments);
  for (docs->SeekToFirst(); docs->Valid(); docs->Next()) {
    v1::Document doc;
    if (!doc.ParseFromString(docs->value().ToString())) {
      return absl::DataLossError(absl::StrCat("stored document '", docs->key().ToString(), "' is corrupted"));
    }
    CASELINK_ASSIGN_OR_RETURN(std::optional<std::string> c, Content(db, doc.sha256()));
    if (!c.has_value()) {
      return absl::DataLossError(absl::StrCat("the content of document '", doc.id(), "' is missing"));
    }
  }
  CASELINK_RETURN_IF_ERROR(FromRocks(docs->status(), "reading the documents"));
  return checked;
}

}  // namespace caselink::storage
