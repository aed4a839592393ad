// DocumentStore keeps the documents of workflow items: metadata per document,
// content once per SHA-256 (a second upload of the same bytes takes no more
// space), chunked into RocksDB's blob files so a 64 MiB file is never held
// whole in memory, neither on the way in nor on the way out.
//
// An upload writes its chunks as they arrive under a blob id of its own
// (written, not yet synced: BlobWriter), then Commit() makes the document
// exist in ONE synced batch with its metadata, the content record (if the
// content is new), the idempotency record and whatever the caller attaches
// (the access-log entry). Until that commit nothing refers to the chunks; an
// upload that fails (a hash mismatch, a short stream) deletes them, and a
// duplicate's chunks are deleted in the commit's batch. Nothing committed is
// ever overwritten. Thread-safe.
//
//   DocumentStore::BlobWriter w = store.NewBlob();
//   while (more) CASELINK_RETURN_IF_ERROR(w.Append(chunk));
//   if (w.Sha256Hex() != declared) { w.Abandon(); return mismatch; }
//   CASELINK_ASSIGN_OR_RETURN(auto out, store.Commit(cmd, &w));
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "caselink/v1/document.pb.h"
#include "storage/commit_pipeline.h"
#include "storage/database.h"
#include "storage/key_locks.h"

namespace caselink::storage {

class DocumentStore {
 public:
  // Content is stored in chunks of this size (the last one shorter).
  static constexpr int64_t kChunkBytes = 256 << 10;

  DocumentStore(Database* db, CommitPipeline* pipeline) : db_(db), pipeline_(pipeline) {}

  // The bytes of one upload on their way in: hashed and written chunk by
  // chunk. Not thread-safe (one upload, one writer).
  class BlobWriter {
   public:
    BlobWriter(BlobWriter&&) noexcept;
    BlobWriter& operator=(BlobWriter&&) = delete;
    ~BlobWriter();

    // Adds bytes; writes a chunk whenever kChunkBytes are buffered.
    absl::Status Append(absl::string_view bytes);
    // Writes what is buffered and returns the lowercase hex SHA-256 of
    // everything appended. Call once, after the last Append.
    absl::StatusOr<std::string> Finish();
    // Deletes every chunk written (a failed upload). Idempotent.
    absl::Status Abandon();

    int64_t size() const { return size_; }
    const std::string& blob_id() const { return blob_id_; }

   private:
    friend class DocumentStore;
    struct Hash;
    BlobWriter(DocumentStore* store, std::string blob_id);
    absl::Status WriteChunk();

    DocumentStore* store_;
    std::string blob_id_;
    std::unique_ptr<Hash> hash_;
    std::string buffer_;
    int64_t size_ = 0;
    uint32_t chunks_ = 0;
    bool finished_ = false;
    bool settled_ = false;  // committed as content, or deleted
  };

  // A writer for a new upload, under a fresh random blob id.
  BlobWriter NewBlob();

  struct CommitCommand {
    v1::Document document;       // complete: id, item, sha256, size, type, ...
    std::string agency;          // the uploader, owner of the idempotency key
    std::string request_id;
    std::string request_digest;  // to tell a retry from a reuse of the key
    // The most bytes its holder may hold with this document (CheckRoom):
    // its item (documents.max_item_bytes) or, for a draft, its uploader's
    // drafts (documents.max_draft_bytes_per_agency); 0: no limit. Checked
    // again under the holder's lock: an earlier check without it lets
    // concurrent uploads to one holder all pass it.
    int64_t max_bytes_held = 0;
    // Adds the call's access-log entry to the batch. An error aborts the
    // commit; nothing is written.
    std::function<absl::Status(const v1::Document& stored, CommitRequest*)> attach;
  };
  struct CommitOutcome {
    v1::Document document;
    bool replayed = false;       // the request_id had already answered
    bool deduplicated = false;   // the content was already stored
  };

  // Makes the document exist (see the class comment). `writer` must be
  // finished; its chunks become the content, or are deleted if the content
  // already existed or the request is a replay. AlreadyExists if request_id
  // was used for a different request; CheckRoom's OutOfRange if the holder's
  // documents with this one would pass cmd.max_bytes_held — the writer's
  // chunks are then deleted and nothing is written.
  absl::StatusOr<CommitOutcome> Commit(const CommitCommand& cmd, BlobWriter* writer);

  // Whether `adding` more bytes fit in `limit` (0: no limit) beside what a
  // holder holds: the documents of item `item_id`, or, if it is empty, the
  // drafts of `agency` not yet attached to an item (an attached one counts
  // against its item instead). OUT_OF_RANGE naming the setting
  // (documents.max_item_bytes or documents.max_draft_bytes_per_agency), the
  // bytes held and the limit otherwise. The upload's early check; Commit
  // makes it again under the holder's lock. Reads the holder's documents.
  absl::Status CheckRoom(const std::string& item_id, const std::string& agency, int64_t adding,
                         int64_t limit) const;

  // The document a request_id answered, if any (a retry before re-sending
  // the bytes). AlreadyExists if it answered a different request.
  absl::StatusOr<std::optional<v1::Document>> FindRequest(const std::string& agency,
                                                          const std::string& request_id,
                                                          const std::string& request_digest) const;

  // NotFound if there is no such document.
  absl::StatusOr<v1::Document> Get(const std::string& id) const;
  // The documents of an item, oldest first.
  absl::StatusOr<std::vector<v1::Document>> ListByItem(const std::string& item_id) const;
  // An agency's drafts (documents uploaded with no item yet), oldest first.
  absl::StatusOr<std::vector<v1::Document>> ListDrafts(const std::string& agency) const;

  // What attaching a draft's copy `attached` (a new id, its item, draft_id
  // set; the draft's content) to an item writes: its record, the item's
  // index entry and the draft's mark as attached (no longer counted by
  // CheckRoom against its uploader's drafts). The caller puts them in the
  // item's creation batch, so the item never exists without them nor they
  // without it.
  static std::vector<Put> AttachmentPuts(const v1::Document& attached);

  // Calls `sink` with the content of `doc` from `offset` to its end, piece by
  // piece (at most kChunkBytes each), until it returns false. DataLoss if a
  // chunk is missing or of the wrong size.
  absl::Status Read(const v1::Document& doc, int64_t offset,
                    const std::function<bool(absl::string_view piece)>& sink) const;

  // Reads every stored content of `db` and checks its size and SHA-256, and
  // that every document's content exists (the restore's integrity check).
  // OK with the number of contents checked, or DataLoss naming the first bad
  // one.
  static absl::StatusOr<int64_t> VerifyAll(const Database& db);

  static std::string RequestKeyOf(const std::string& agency, const std::string& request_id);

 private:
  Database* db_;
  CommitPipeline* pipeline_;
  KeyLocks locks_;
};

}  // namespace caselink::storage
