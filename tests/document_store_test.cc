// DocumentStore against a real RocksDB in a temp dir: content read back from
// any offset across chunk boundaries, one copy per content (deduplicated),
// nothing left of an abandoned or failed upload, idempotent commits, the
// limits of an item's documents and of an agency's drafts (rechecked under a
// lock: concurrent commits do not pass them together), the content in blob
// files (BlobDB), and VerifyAll catching a damaged chunk.
#include "storage/document_store.h"

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "caselink/v1/storage.pb.h"
#include "rocksdb/db.h"
#include "storage/commit_pipeline.h"
#include "storage/database.h"
#include "support/raw_db.h"
#include "support/sha256_hex.h"
#include "support/temp_dir.h"

namespace caselink::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Sha256Hex;


std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

class DocumentStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open(dir_.Join("db"));
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    pipeline_ = std::make_unique<CommitPipeline>(db_.get());
    store_ = std::make_unique<DocumentStore>(db_.get(), pipeline_.get());
  }

  // Writes `content` in pieces of `piece` bytes and commits it as document
  // `id` of item `item`.
  absl::StatusOr<DocumentStore::CommitOutcome> Put(const std::string& id, const std::string& item,
                                                   const std::string& content, const std::string& request_id,
                                                   size_t piece = 300000) {
    DocumentStore::BlobWriter w = store_->NewBlob();
    for (size_t at = 0; at < content.size(); at += piece) {
      absl::Status s = w.Append(absl::string_view(content).substr(at, piece));
      if (!s.ok()) return s;
    }
    absl::StatusOr<std::string> sha = w.Finish();
    if (!sha.ok()) return sha.status();
    EXPECT_EQ(*sha, Sha256Hex(content));
    DocumentStore::CommitCommand cmd;
    cmd.document.set_id(id);
    cmd.document.set_item_id(item);
    cmd.document.set_size(static_cast<int64_t>(content.size()));
    cmd.document.set_sha256(*sha);
    cmd.document.mutable_upload_time()->set_seconds(1700000000 + static_cast<int64_t>(id.back()));
    cmd.agency = "market";
    cmd.request_id = request_id;
    cmd.request_digest = "digest-" + id;
    return store_->Commit(cmd, &w);
  }

  std::string ReadAll(const v1::Document& doc, int64_t offset) {
    std::string out;
    absl::Status s = store_->Read(doc, offset, [&](absl::string_view piece) {
      out.append(piece.data(), piece.size());
      return true;
    });
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  // A writer that has taken all of `content`, ready to commit.
  DocumentStore::BlobWriter FinishedWriter(const std::string& content) {
    DocumentStore::BlobWriter w = store_->NewBlob();
    EXPECT_TRUE(w.Append(content).ok());
    EXPECT_TRUE(w.Finish().ok());
    return w;
  }

  // The commit of `content` as document `id` of `agency` to `item` (none:
  // a draft), within `limit` bytes of the item's documents (of the agency's
  // drafts).
  static DocumentStore::CommitCommand Command(const std::string& id, const std::string& agency,
                                              const std::string& content, int64_t limit,
                                              const std::string& item = "") {
    DocumentStore::CommitCommand cmd;
    cmd.document.set_id(id);
    cmd.document.set_item_id(item);
    cmd.document.set_uploader_agency(agency);
    cmd.document.set_size(static_cast<int64_t>(content.size()));
    cmd.document.set_sha256(Sha256Hex(content));
    cmd.agency = agency;
    cmd.request_id = "r-" + id;
    cmd.request_digest = "digest-" + id;
    cmd.max_bytes_held = limit;
    return cmd;
  }

  // The ids of a listing (none if it failed).
  static std::vector<std::string> Ids(const absl::StatusOr<std::vector<v1::Document>>& listed) {
    EXPECT_TRUE(listed.ok()) << listed.status();
    std::vector<std::string> ids;
    if (listed.ok()) {
      for (const v1::Document& d : *listed) ids.push_back(d.id());
    }
    return ids;
  }

  // A refused commit of document `id` (request "r-" + id of market) left no
  // document, no request record, and only `blob_keys` chunks in all.
  void ExpectNothingLeftOf(const std::string& id, int blob_keys) {
    EXPECT_EQ(store_->Get(id).status().code(), absl::StatusCode::kNotFound);
    EXPECT_FALSE(store_->FindRequest("market", "r-" + id, "digest-" + id)->has_value())
        << "a refused upload has no record";
    EXPECT_EQ(BlobKeys(), blob_keys) << "the refused upload's chunks are deleted";
  }

  // Live keys of the blob table (chunks of every stored or pending content).
  int BlobKeys() {
    int n = 0;
    auto it = db_->NewIterator(rocksdb::ReadOptions(), Table::kDocumentBlobs);
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
    return n;
  }

  testing::TempDir dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<CommitPipeline> pipeline_;
  std::unique_ptr<DocumentStore> store_;
};

// Contents record their own chunk size: those stored with the 1 MiB chunks
// of earlier releases read back and verify after the chunk size changed.
TEST_F(DocumentStoreTest, AContentStoredWithAnotherChunkSizeReadsAndVerifies) {
  constexpr int64_t kOld = int64_t{1} << 20;
  ASSERT_NE(kOld, DocumentStore::kChunkBytes);
  const std::string content = RandomBytes(2 * kOld + 777, 11);
  const std::string sha = Sha256Hex(content);
  const std::string blob_id = "legacy-blob-0001";  // 16 bytes, like the store's ids
  CommitRequest req;
  for (uint32_t i = 0; i * kOld < static_cast<int64_t>(content.size()); ++i) {
    std::string key = blob_id;
    for (int shift = 24; shift >= 0; shift -= 8) key.push_back(static_cast<char>((i >> shift) & 0xff));
    req.puts.push_back({Table::kDocumentBlobs, key, content.substr(i * kOld, kOld)});
  }
  v1::DocumentContent record;
  record.set_blob_id(blob_id);
  record.set_size(static_cast<int64_t>(content.size()));
  record.set_chunk_bytes(kOld);
  req.puts.push_back({Table::kDocumentContent, absl::HexStringToBytes(sha), record.SerializeAsString()});
  v1::Document doc;
  doc.set_id("D-legacy");
  doc.set_item_id("T1");
  doc.set_size(static_cast<int64_t>(content.size()));
  doc.set_sha256(sha);
  req.puts.push_back({Table::kDocuments, doc.id(), doc.SerializeAsString()});
  ASSERT_TRUE(pipeline_->Commit(std::move(req)).ok());

  EXPECT_EQ(ReadAll(doc, 0), content);
  EXPECT_EQ(ReadAll(doc, kOld + 5), content.substr(kOld + 5));
  auto verified = DocumentStore::VerifyAll(*db_);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(*verified, 1);
}

TEST_F(DocumentStoreTest, ContentReadsBackFromAnyOffsetAcrossChunks) {
  const std::string content = RandomBytes(3 * DocumentStore::kChunkBytes + 12345, 1);
  auto out = Put("D1", "T1", content, "r1");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_FALSE(out->replayed);
  EXPECT_FALSE(out->deduplicated);
  EXPECT_EQ(BlobKeys(), 4);  // 3 full chunks and a short one
  const int64_t size = static_cast<int64_t>(content.size());
  for (int64_t offset : {int64_t{0}, int64_t{1}, DocumentStore::kChunkBytes - 1, DocumentStore::kChunkBytes,
                         2 * DocumentStore::kChunkBytes + 7, size - 1, size}) {
    EXPECT_EQ(ReadAll(out->document, offset), content.substr(static_cast<size_t>(offset))) << offset;
  }
  EXPECT_EQ(store_->Read(out->document, size + 1, [](absl::string_view) { return true; }).code(),
            absl::StatusCode::kOutOfRange);
  // A sink that stops early stops the read.
  int pieces = 0;
  ASSERT_TRUE(store_->Read(out->document, 0, [&](absl::string_view) { return ++pieces < 2; }).ok());
  EXPECT_EQ(pieces, 2);
}

TEST_F(DocumentStoreTest, TheSameContentIsStoredOnceAndListedPerItem) {
  const std::string content = RandomBytes(DocumentStore::kChunkBytes + 10, 2);
  auto first = Put("D1", "T1", content, "r1");
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = Put("D2", "T2", content, "r2");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->deduplicated);
  EXPECT_EQ(BlobKeys(), 2) << "the second upload's chunks are dropped in its commit";
  EXPECT_EQ(ReadAll(second->document, 0), content);
  auto t1 = store_->ListByItem("T1");
  ASSERT_TRUE(t1.ok());
  ASSERT_EQ(t1->size(), 1u);
  EXPECT_EQ((*t1)[0].id(), "D1");
  auto none = store_->ListByItem("T");  // a prefix of T1 is another item
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(store_->Get("D2")->item_id(), "T2");
  EXPECT_EQ(store_->Get("D9").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(DocumentStoreTest, AnAbandonedOrDroppedUploadLeavesNothing) {
  {
    DocumentStore::BlobWriter w = store_->NewBlob();
    ASSERT_TRUE(w.Append(RandomBytes(2 * DocumentStore::kChunkBytes + 1, 3)).ok());
    EXPECT_EQ(BlobKeys(), 2) << "full chunks are written as they fill";
    ASSERT_TRUE(w.Abandon().ok());
    EXPECT_EQ(BlobKeys(), 0);
  }
  {
    DocumentStore::BlobWriter w = store_->NewBlob();
    ASSERT_TRUE(w.Append(RandomBytes(DocumentStore::kChunkBytes, 4)).ok());
    ASSERT_TRUE(w.Finish().ok());
    EXPECT_EQ(BlobKeys(), 1);
  }  // dropped without a commit (a hash mismatch, a short stream)
  EXPECT_EQ(BlobKeys(), 0);
}

TEST_F(DocumentStoreTest, ARetryIsAnsweredFromTheFirstCommitAndAReusedKeyIsRefused) {
  const std::string content = RandomBytes(5000, 5);
  ASSERT_TRUE(Put("D1", "T1", content, "r1").ok());
  auto found = store_->FindRequest("market", "r1", "digest-D1");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id(), "D1");
  EXPECT_EQ(store_->FindRequest("market", "r1", "other").status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_FALSE(store_->FindRequest("psb", "r1", "digest-D1")->has_value()) << "keys are per agency";
  // The same request committed again (a retry racing the first) replays.
  DocumentStore::BlobWriter w = store_->NewBlob();
  ASSERT_TRUE(w.Append(content).ok());
  ASSERT_TRUE(w.Finish().ok());
  DocumentStore::CommitCommand cmd;
  cmd.document.set_id("D7");
  cmd.document.set_item_id("T1");
  cmd.document.set_size(5000);
  cmd.document.set_sha256(Sha256Hex(content));
  cmd.agency = "market";
  cmd.request_id = "r1";
  cmd.request_digest = "digest-D1";
  auto replay = store_->Commit(cmd, &w);
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_TRUE(replay->replayed);
  EXPECT_EQ(replay->document.id(), "D1");
  EXPECT_EQ(store_->Get("D7").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(BlobKeys(), 1);
}

// Concurrent uploads to one item each pass the service's early check of the
// item's total (made before the bytes arrive, without a lock); Commit sums
// the item again under its lock. Two writers finished before either commits
// are that race: the second must be refused, its chunks dropped.
TEST_F(DocumentStoreTest, ACommitThatWouldPassTheItemsLimitIsRefusedAndLeavesNothing) {
  constexpr int64_t kLimit = 200000;
  const std::string a = RandomBytes(140000, 21);
  const std::string b = RandomBytes(140000, 22);
  DocumentStore::BlobWriter wa = FinishedWriter(a);
  DocumentStore::BlobWriter wb = FinishedWriter(b);
  EXPECT_EQ(BlobKeys(), 2);
  auto first = store_->Commit(Command("D1", "market", a, kLimit, "T1"), &wa);
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = store_->Commit(Command("D2", "market", b, kLimit, "T1"), &wb);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kOutOfRange) << second.status();
  EXPECT_THAT(std::string(second.status().message()),
              HasSubstr("item 'T1' already holds 140000 bytes of documents; 140000 more would pass the limit "
                        "of 200000 bytes an item (documents.max_item_bytes)"));
  EXPECT_THAT(Ids(store_->ListByItem("T1")), ElementsAre("D1"));
  ExpectNothingLeftOf("D2", /*blob_keys=*/1);
  // Another item is not limited by T1's documents.
  DocumentStore::BlobWriter wc = FinishedWriter(b);
  EXPECT_TRUE(store_->Commit(Command("D3", "market", b, kLimit, "T2"), &wc).ok());
}

// A draft counts against its uploader's drafts (documents.max_draft_bytes_per_agency):
// Commit sums them again under the uploader's lock, as for an item.
TEST_F(DocumentStoreTest, ACommitThatWouldPassTheAgencysDraftLimitIsRefusedAndLeavesNothing) {
  constexpr int64_t kLimit = 200000;
  const std::string a = RandomBytes(140000, 31);
  const std::string b = RandomBytes(140000, 32);
  DocumentStore::BlobWriter wa = FinishedWriter(a);
  DocumentStore::BlobWriter wb = FinishedWriter(b);
  auto first = store_->Commit(Command("D1", "market", a, kLimit), &wa);
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = store_->Commit(Command("D2", "market", b, kLimit), &wb);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kOutOfRange) << second.status();
  EXPECT_EQ(std::string(second.status().message()),
            "header.size: agency 'market' already holds 140000 bytes of drafts not attached to an item; 140000 "
            "more would pass the limit of 200000 bytes of drafts an agency (documents.max_draft_bytes_per_agency)");
  EXPECT_THAT(Ids(store_->ListDrafts("market")), ElementsAre("D1"));
  ExpectNothingLeftOf("D2", /*blob_keys=*/1);
  // Another agency's drafts and market's documents of an item are not
  // market's drafts.
  DocumentStore::BlobWriter wc = FinishedWriter(b);
  EXPECT_TRUE(store_->Commit(Command("D3", "psb", b, kLimit), &wc).ok());
  DocumentStore::BlobWriter wd = FinishedWriter(b);
  EXPECT_TRUE(store_->Commit(Command("D4", "market", b, kLimit, "T1"), &wd).ok());
  EXPECT_TRUE(store_->CheckRoom("", "market", kLimit - 140000, kLimit).ok());
  EXPECT_EQ(store_->CheckRoom("", "market", kLimit - 140000 + 1, kLimit).code(), absl::StatusCode::kOutOfRange);
}

// Uploads of drafts by one agency at the same moment: each commit sums the
// agency's drafts under its lock, so together they never pass the limit.
TEST_F(DocumentStoreTest, ConcurrentDraftCommitsOfOneAgencyDoNotPassItsLimitTogether) {
  constexpr int kUploads = 8;
  constexpr int64_t kSize = 50000;
  constexpr int64_t kLimit = 3 * kSize;
  std::vector<DocumentStore::BlobWriter> writers;
  std::vector<std::string> contents;
  for (int i = 0; i < kUploads; ++i) {
    contents.push_back(RandomBytes(kSize, 40 + i));
    writers.push_back(FinishedWriter(contents.back()));
  }
  std::vector<absl::StatusCode> codes(kUploads);
  std::vector<std::thread> threads;
  // All at once: without the lock each sees the others' drafts missing and
  // most runs let more than three pass.
  absl::Notification go;
  for (int i = 0; i < kUploads; ++i) {
    threads.emplace_back([&, i] {
      go.WaitForNotification();
      codes[i] = store_->Commit(Command(absl::StrCat("D", i), "market", contents[i], kLimit), &writers[i])
                     .status()
                     .code();
    });
  }
  go.Notify();
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(std::count(codes.begin(), codes.end(), absl::StatusCode::kOk), 3);
  EXPECT_EQ(std::count(codes.begin(), codes.end(), absl::StatusCode::kOutOfRange), kUploads - 3);
  EXPECT_EQ(Ids(store_->ListDrafts("market")).size(), 3u);
  EXPECT_EQ(BlobKeys(), 3) << "the refused uploads' chunks are deleted";
}

// A draft a creation attached counts against its item (max_item_bytes), no
// longer against its uploader's drafts; it is still listed as a draft.
TEST_F(DocumentStoreTest, ADraftAttachedToAnItemNoLongerCountsAgainstItsAgencysDrafts) {
  constexpr int64_t kLimit = 200000;
  const std::string a = RandomBytes(140000, 51);
  DocumentStore::BlobWriter wa = FinishedWriter(a);
  ASSERT_TRUE(store_->Commit(Command("D1", "market", a, kLimit), &wa).ok());
  EXPECT_EQ(store_->CheckRoom("", "market", 140000, kLimit).code(), absl::StatusCode::kOutOfRange);
  auto draft = store_->Get("D1");
  ASSERT_TRUE(draft.ok()) << draft.status();
  v1::Document attached = *draft;
  attached.set_draft_id("D1");
  attached.set_id("D2");
  attached.set_item_id("T1");
  CommitRequest creation;
  creation.puts = DocumentStore::AttachmentPuts(attached);
  ASSERT_TRUE(pipeline_->Commit(std::move(creation)).ok());
  EXPECT_TRUE(store_->CheckRoom("", "market", kLimit, kLimit).ok());
  EXPECT_EQ(store_->CheckRoom("T1", "market", kLimit - 140000 + 1, kLimit).code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(Ids(store_->ListDrafts("market")), ElementsAre("D1")) << "the draft stays as it was";
  EXPECT_THAT(Ids(store_->ListByItem("T1")), ElementsAre("D2"));
}

TEST_F(DocumentStoreTest, ChunksLiveInBlobFiles) {
  ASSERT_TRUE(Put("D1", "T1", RandomBytes(2 * DocumentStore::kChunkBytes, 6), "r1").ok());
  ASSERT_TRUE(db_->Flush().ok());
  uint64_t blob_bytes = 0;
  ASSERT_TRUE(db_->GetIntProperty(Table::kDocumentBlobs, "rocksdb.live-blob-file-size", &blob_bytes));
  EXPECT_GE(blob_bytes, static_cast<uint64_t>(2 * DocumentStore::kChunkBytes));
  uint64_t sst_bytes = 0;
  ASSERT_TRUE(db_->GetIntProperty(Table::kDocumentBlobs, "rocksdb.total-sst-files-size", &sst_bytes));
  EXPECT_LT(sst_bytes, static_cast<uint64_t>(64 << 10)) << "only references stay in the LSM tree";
}

TEST_F(DocumentStoreTest, VerifyAllReadsEveryContentAndNamesADamagedOne) {
  const std::string content = RandomBytes(DocumentStore::kChunkBytes + 99, 7);
  auto out = Put("D1", "T1", content, "r1");
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE(Put("D2", "T1", RandomBytes(100, 8), "r2").ok());
  auto ok = DocumentStore::VerifyAll(*db_);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(*ok, 2);
  // Flip one byte of the last chunk (same size, other content).
  auto it = db_->NewIterator(rocksdb::ReadOptions(), Table::kDocumentBlobs);
  std::string key, value;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (it->value().size() == 99) {
      key = it->key().ToString();
      value = it->value().ToString();
    }
  }
  ASSERT_FALSE(key.empty());
  value[0] = static_cast<char>(value[0] ^ 1);
  ASSERT_TRUE(RawDb(db_)->Put(rocksdb::WriteOptions(), db_->cf(Table::kDocumentBlobs), key, value).ok());
  auto bad = DocumentStore::VerifyAll(*db_);
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr(out->document.sha256()));
}

}  // namespace
}  // namespace caselink::storage
