#include "server/documents/document_service.h"

#include <algorithm>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "caselink_common/content_type_sniffer.h"
#include "caselink_common/proto_time.h"
#include "caselink_common/request_digest.h"
#include "caselink_common/status_macros.h"
#include "server/core/access_logger.h"
#include "server/core/field_validator.h"
#include "server/core/item_entry.h"
#include "server/core/request_validator.h"
#include "server/core/stream_call.h"
#include "server/documents/document_access.h"
#include "server/workflow/workflow_context.h"
#include "server/workflow/workflow_settings.h"
#include "storage/case_id.h"

namespace caselink::server {
namespace {

const std::string kService = v1::DocumentService::service_full_name();
const std::string kUpload = kService + "/Upload";
const std::string kDownload = kService + "/Download";
// A download sends the content in messages of this size: small enough for
// any client's default message limit and to keep the server's memory flat.
constexpr size_t kSendBytes = 256 << 10;

bool IsLowerHex(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

absl::Status CheckHeader(const v1::UploadHeader& h, const DocumentLimits& limits) {
  CASELINK_RETURN_IF_ERROR(ValidateRequestId("header.request_id", h.request_id()));
  if (h.item_id().empty() && !h.draft()) {
    return absl::InvalidArgumentError(
        "header.item_id: is required (a transfer or supervision record), or set header.draft to upload a "
        "document for an item not yet created");
  }
  if (!h.item_id().empty() && h.draft()) {
    return absl::InvalidArgumentError("header.draft: a draft belongs to no item yet; leave header.item_id empty");
  }
  if (h.kind() == v1::MATERIAL_KIND_UNSPECIFIED || !v1::MaterialKind_IsValid(h.kind())) {
    return absl::InvalidArgumentError("header.kind: is required (a MaterialKind: MATERIAL_TRANSFER_LETTER, ...)");
  }
  if (h.file_name().empty() || h.file_name() == "." || h.file_name() == ".." ||
      absl::StrContains(h.file_name(), "/") || absl::StrContains(h.file_name(), "\\")) {
    return absl::InvalidArgumentError("header.file_name: is required, a name without '/' or '\\'");
  }
  if (h.size() <= 0) return absl::InvalidArgumentError("header.size: must be at least 1 byte");
  if (h.size() > limits.max_file_bytes) {
    return absl::OutOfRangeError(absl::StrCat("header.size: ", h.size(), " bytes is above the server's limit of ",
                                              limits.max_file_bytes, " bytes a file (documents.max_file_bytes)"));
  }
  if (h.sha256().size() != 64 || !IsLowerHex(h.sha256())) {
    return absl::InvalidArgumentError("header.sha256: must be the file's SHA-256 as 64 lowercase hex digits");
  }
  if (!v1::Sensitivity_IsValid(h.sensitivity())) {
    return absl::InvalidArgumentError("header.sensitivity: is not a known Sensitivity");
  }
  return absl::OkStatus();
}

void NoteDocument(const v1::Document& doc, int64_t offset, AccessRecord* record) {
  record->item_id = doc.item_id();
  record->document_id = doc.id();
  record->document_sha256 = doc.sha256();
  record->document_offset = offset;
  record->document_bytes = doc.size() - offset;
}

// The document as answered: with its item's cases (Document.case_ids, never
// stored), so the response filter reads its file name and reference as text
// about those cases, like any item's text.
v1::Document WithItemCases(v1::Document doc, const ItemAccess& item) {
  doc.clear_case_ids();
  for (const std::string& id : item.case_ids) doc.add_case_ids(id);
  return doc;
}

}  // namespace

DocumentServiceImpl::DocumentServiceImpl(const ServiceContext& sc, storage::DocumentStore* store,
                                         DocumentLimits limits)
    : RawService(sc), sc_(sc), store_(store), limits_(limits) {
  using D = DocumentServiceImpl;
  Install(kService,
          {ClientStream<v1::UploadDocumentRequest, v1::UploadDocumentResponse>(
               "Upload",
               [this](grpc::ServerContext* ctx, grpc::ServerReader<grpc::ByteBuffer>* reader,
                      v1::UploadDocumentResponse* resp) {
                 return ServeStreaming(sc_, ctx, kUpload, /*take_slot=*/true, [&](const CallScope& scope) {
                   return ReceiveUpload(scope, ctx, reader, resp);
                 });
               }),
           Stream<v1::DownloadDocumentRequest, v1::DownloadDocumentResponse>(
               "Download", &sc_,
               [this](grpc::ServerContext* ctx, const v1::DownloadDocumentRequest* req,
                      grpc::ServerWriter<v1::DownloadDocumentResponse>* writer) {
                 return ServeStreaming(sc_, ctx, kDownload, /*take_slot=*/true, [&](const CallScope& scope) {
                   return SendDownload(scope, ctx, *req, writer);
                 }, req);
               }),
           Unary("List", this, &D::DoList), Unary("Get", this, &D::DoGet)});
}

absl::Status DocumentServiceImpl::ReceiveUpload(const CallScope& scope, grpc::ServerContext* ctx,
                                                grpc::ServerReader<grpc::ByteBuffer>* reader,
                                                v1::UploadDocumentResponse* resp) {
  AccessRecord& record = *scope.record;
  grpc::ByteBuffer bytes;
  if (!reader->Read(&bytes)) {
    return absl::InvalidArgumentError("header: an upload starts with its header; the stream was empty");
  }
  v1::UploadDocumentRequest first;
  CASELINK_RETURN_IF_ERROR(ParseClosed(&bytes, &first));
  if (!first.has_header()) return absl::InvalidArgumentError("header: the first message of an upload must be its header");
  const v1::UploadHeader& h = first.header();
  record.item_id = h.item_id();
  CASELINK_RETURN_IF_ERROR(ValidateRequestFields(first));
  CASELINK_RETURN_IF_ERROR(CheckHeader(h, limits_));
  // A draft has no item: it is its uploader's alone until a creation
  // attaches it (document_materials.h).
  ItemAccess item;
  if (!h.draft()) {
    CASELINK_ASSIGN_OR_RETURN(item, LoadItem(sc_, scope, h.item_id()));
    CASELINK_RETURN_IF_ERROR(CheckUploader(scope, item));
  }

  const std::string& agency = scope.principal.agency_id;
  const std::string digest = RequestDigest(h);
  CASELINK_ASSIGN_OR_RETURN(std::optional<v1::Document> earlier, store_->FindRequest(agency, h.request_id(), digest));
  if (earlier.has_value()) {
    // A retry of a finished upload: the bytes need not be read again.
    NoteDocument(*earlier, 0, &record);
    record.case_ids = item.case_ids;
    *resp->mutable_document() = WithItemCases(*std::move(earlier), item);
    resp->set_replayed(true);
    return absl::OkStatus();
  }
  // An upload to an item counts against the item; a draft against its
  // uploader's drafts until a creation attaches it, then against that item
  // (ResolveDraftMaterials). Early, so an upload that cannot fit is refused
  // before its bytes are read; Commit checks again under the holder's lock
  // (concurrent uploads).
  const int64_t max_bytes_held = h.draft() ? limits_.max_draft_bytes_per_agency : limits_.max_item_bytes;
  CASELINK_RETURN_IF_ERROR(store_->CheckRoom(item.id, agency, h.size(), max_bytes_held));

  // From here on every failure drops the chunks written (the writer's
  // destructor): nothing of a failed upload stays.
  storage::DocumentStore::BlobWriter writer = store_->NewBlob();
  const size_t sniff_bytes = static_cast<size_t>(std::min<int64_t>(kSniffBytes, h.size()));
  std::string head;
  v1::ContentType type = v1::CONTENT_TYPE_UNSPECIFIED;
  auto sniff = [&]() -> absl::Status {
    type = SniffContentType(head);
    if (type == v1::CONTENT_TYPE_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat(
          "chunk: the content is ", DescribeUnaccepted(head),
          ", not an accepted type (PDF, OFD, JPEG, PNG, TIFF, DOCX, XLSX); nothing was stored"));
    }
    return absl::OkStatus();
  };
  while (reader->Read(&bytes)) {
    v1::UploadDocumentRequest part;
    CASELINK_RETURN_IF_ERROR(ParseClosed(&bytes, &part));
    if (part.has_header()) {
      return absl::InvalidArgumentError("header: only the first message of an upload is a header; then chunks");
    }
    if (!part.has_chunk()) {
      return absl::InvalidArgumentError(
          "chunk: each message after the header must carry a chunk of the file (this one carries nothing)");
    }
    const std::string& chunk = part.chunk();
    if (writer.size() + static_cast<int64_t>(chunk.size()) > h.size()) {
      return absl::InvalidArgumentError(absl::StrCat("chunk: the stream is longer than header.size (", h.size(),
                                                     " bytes); nothing was stored"));
    }
    if (type == v1::CONTENT_TYPE_UNSPECIFIED) {
      head.append(chunk, 0, std::min(chunk.size(), sniff_bytes - head.size()));
      if (head.size() == sniff_bytes) CASELINK_RETURN_IF_ERROR(sniff());
    }
    CASELINK_RETURN_IF_ERROR(writer.Append(chunk));
  }
  if (ctx->IsCancelled()) return absl::CancelledError("the client cancelled the upload; nothing was stored");
  if (writer.size() < h.size()) {
    return absl::InvalidArgumentError(absl::StrCat("chunk: the stream ended after ", writer.size(), " of the ",
                                                   h.size(), " bytes header.size declares; nothing was stored"));
  }
  CASELINK_ASSIGN_OR_RETURN(const std::string sha256, writer.Finish());
  if (sha256 != h.sha256()) {
    return absl::InvalidArgumentError(absl::StrCat("header.sha256: the content received hashes to ", sha256,
                                                   ", not to the declared ", h.sha256(), "; nothing was stored"));
  }

  const absl::Time now = sc_.now();
  v1::Document doc;
  std::string id = storage::NewCaseId(now, sc_.workflow->settings->Get()->tz);
  id[0] = 'D';
  doc.set_id(id);
  doc.set_item_id(item.id);
  doc.set_kind(h.kind());
  doc.set_file_name(h.file_name());
  doc.set_size(h.size());
  doc.set_sha256(sha256);
  doc.set_content_type(type);
  doc.set_uploader_agency(agency);
  *doc.mutable_upload_time() = ToProtoTime(now);
  doc.set_sensitivity(h.sensitivity() == v1::SENSITIVITY_UNSPECIFIED ? v1::INVESTIGATIVE : h.sensitivity());
  doc.set_reference(h.reference());
  NoteDocument(doc, 0, &record);

  storage::DocumentStore::CommitCommand cmd;
  cmd.document = doc;
  cmd.agency = agency;
  cmd.request_id = h.request_id();
  cmd.request_digest = digest;
  cmd.max_bytes_held = max_bytes_held;
  if (sc_.access_log != nullptr) {
    cmd.attach = [&](const v1::Document& stored, storage::CommitRequest* commit) {
      return AttachItemEntryFor(sc_, scope, item.id, item.case_ids, &stored, commit);
    };
  }
  CASELINK_ASSIGN_OR_RETURN(storage::DocumentStore::CommitOutcome out, store_->Commit(cmd, &writer));
  record.case_ids = item.case_ids;
  *resp->mutable_document() = WithItemCases(std::move(out.document), item);
  resp->set_replayed(out.replayed);
  return absl::OkStatus();
}

absl::StatusOr<DocumentServiceImpl::VisibleDocument> DocumentServiceImpl::FindVisible(const CallScope& scope,
                                                                                      const std::string& id) {
  CASELINK_RETURN_IF_ERROR(ValidateCaseId("id", id));
  // Missing and invisible answer the same.
  const absl::Status not_found = absl::NotFoundError(absl::StrCat("document '", id, "' not found"));
  absl::StatusOr<v1::Document> doc = store_->Get(id);
  if (absl::IsNotFound(doc.status())) return not_found;
  if (!doc.ok()) return doc.status();
  if (doc->item_id().empty()) {
    // A draft: its uploader's alone.
    if (doc->uploader_agency() != scope.principal.agency_id) return not_found;
    VisibleDocument own{*std::move(doc), ItemAccess{}, auth::FieldPlan{}};
    own.own_draft = true;
    return own;
  }
  absl::StatusOr<ItemAccess> item = LoadItemAccess(sc_, scope, doc->item_id());
  if (absl::IsNotFound(item.status())) return not_found;
  if (!item.ok()) return item.status();
  CASELINK_ASSIGN_OR_RETURN(auth::FieldPlan plan, DocumentPlan(sc_, scope, *item, not_found));
  scope.record->item_id = doc->item_id();
  return VisibleDocument{*std::move(doc), *std::move(item), std::move(plan)};
}

absl::Status DocumentServiceImpl::SendDownload(const CallScope& scope, grpc::ServerContext* ctx,
                                               const v1::DownloadDocumentRequest& req,
                                               grpc::ServerWriter<v1::DownloadDocumentResponse>* writer) {
  AccessRecord& record = *scope.record;
  record.document_id = req.id();
  record.purpose = req.purpose();
  CASELINK_RETURN_IF_ERROR(ValidateRequestFields(req));
  CASELINK_ASSIGN_OR_RETURN(VisibleDocument visible, FindVisible(scope, req.id()));
  const v1::Document* doc = &visible.doc;
  const ItemAccess* item = &visible.item;
  if (!visible.own_draft) CASELINK_RETURN_IF_ERROR(CheckContentReadable(scope, visible.plan, *doc));
  if (req.offset() < 0 || req.offset() > doc->size()) {
    return absl::OutOfRangeError(
        absl::StrCat("offset: ", req.offset(), " is outside the document (0..", doc->size(), " bytes)"));
  }
  if (doc->uploader_agency() != scope.principal.agency_id && req.purpose().empty()) {
    return absl::InvalidArgumentError("purpose: is required (查询事由) to read another agency's document");
  }
  // The metadata the first message carries goes through the response filter
  // as GetDocument's answer does (identifiers in the file name masked per the
  // caller's policy), before the entry, so the entry names what it masked.
  v1::DownloadDocumentResponse msg;
  *msg.mutable_document() = WithItemCases(*doc, *item);
  CASELINK_RETURN_IF_ERROR(sc_.guard->FilterResponse(scope, req, &msg, &record));
  // The read is on the record before the first byte leaves (fail closed).
  NoteDocument(*doc, req.offset(), &record);
  record.case_ids = item->case_ids;
  if (sc_.access_log != nullptr) {
    absl::Status logged = sc_.access_log->Log(record, absl::OkStatus());
    if (!logged.ok()) return AccessLogUnavailable(logged);
    record.logged_in_batch = true;
    record.named_in_batch = record.case_ids;
    record.fields_in_batch = record.fields;
    record.party_ids_in_batch = record.party_ids;
  }
  int64_t at = req.offset();
  absl::Status sent = absl::OkStatus();
  auto send = [&](absl::string_view piece) {
    while (!piece.empty()) {
      const size_t n = std::min(piece.size(), kSendBytes);
      msg.set_offset(at);
      msg.set_data(piece.data(), n);
      if (ctx->IsCancelled() || !writer->Write(msg)) {
        sent = absl::CancelledError(absl::StrCat("the client closed the download at offset ", at,
                                                 "; resume with offset=", at));
        return false;
      }
      msg.clear_document();
      at += static_cast<int64_t>(n);
      piece.remove_prefix(n);
    }
    return true;
  };
  CASELINK_RETURN_IF_ERROR(store_->Read(*doc, req.offset(), send));
  CASELINK_RETURN_IF_ERROR(sent);
  if (at == req.offset()) {
    // Resumed at the end (or an empty tail): the metadata still goes out.
    msg.set_offset(at);
    msg.clear_data();
    if (!writer->Write(msg)) return absl::CancelledError("the client closed the download");
  }
  return absl::OkStatus();
}

absl::Status DocumentServiceImpl::DoList(const CallScope& scope, const v1::ListDocumentsRequest& req,
                                         v1::ListDocumentsResponse* resp) {
  scope.record->item_id = req.item_id();
  if (req.item_id().empty()) {
    CASELINK_ASSIGN_OR_RETURN(std::vector<v1::Document> drafts, store_->ListDrafts(scope.principal.agency_id));
    for (v1::Document& d : drafts) *resp->add_documents() = std::move(d);
    return absl::OkStatus();
  }
  CASELINK_ASSIGN_OR_RETURN(ItemAccess item, LoadItem(sc_, scope, req.item_id()));
  CASELINK_RETURN_IF_ERROR(DocumentPlan(sc_, scope, item, ItemNotFound(item.id)).status());
  CASELINK_ASSIGN_OR_RETURN(std::vector<v1::Document> docs, store_->ListByItem(item.id));
  for (v1::Document& d : docs) *resp->add_documents() = WithItemCases(std::move(d), item);
  scope.record->case_ids = item.case_ids;
  return absl::OkStatus();
}

absl::Status DocumentServiceImpl::DoGet(const CallScope& scope, const v1::GetDocumentRequest& req,
                                        v1::GetDocumentResponse* resp) {
  scope.record->document_id = req.id();
  CASELINK_ASSIGN_OR_RETURN(VisibleDocument visible, FindVisible(scope, req.id()));
  scope.record->document_sha256 = visible.doc.sha256();
  scope.record->case_ids = visible.item.case_ids;
  *resp->mutable_document() = WithItemCases(std::move(visible.doc), visible.item);
  return absl::OkStatus();
}

}  // namespace caselink::server
