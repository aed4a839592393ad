// DocumentService (document.proto): the documents of transfers and
// supervision records. Uploads and downloads are streamed (never a whole file
// in memory) and go through the enforcement path like every call
// (stream_call.h): admitted by the policy, one in-flight slot of the agency,
// logged with the document's hash. Who may see a document is decided by
// document_access.h; what is stored, and when, by storage/document_store.h.
#pragma once

#include <cstdint>

#include "caselink/v1/document.grpc.pb.h"
#include "server/core/raw_service.h"
#include "server/core/service_context.h"
#include "auth/field_plan.h"
#include "server/workflow/workflow_engine.h"
#include "storage/document_store.h"

namespace caselink::server {

struct DocumentLimits {
  int64_t max_file_bytes = int64_t{64} << 20;
  int64_t max_item_bytes = int64_t{512} << 20;
  int64_t max_draft_bytes_per_agency = int64_t{1} << 30;
};

class DocumentServiceImpl final : public RawService {
 public:
  // Registers caselink.v1.DocumentService's methods (raw_service.h). `sc` and
  // `store` must outlive the service.
  DocumentServiceImpl(const ServiceContext& sc, storage::DocumentStore* store, DocumentLimits limits);

 private:
  absl::Status ReceiveUpload(const CallScope& scope, grpc::ServerContext* ctx,
                             grpc::ServerReader<grpc::ByteBuffer>* reader, v1::UploadDocumentResponse* resp);
  absl::Status SendDownload(const CallScope& scope, grpc::ServerContext* ctx, const v1::DownloadDocumentRequest& req,
                            grpc::ServerWriter<v1::DownloadDocumentResponse>* writer);
  absl::Status DoList(const CallScope& scope, const v1::ListDocumentsRequest& req, v1::ListDocumentsResponse* resp);
  absl::Status DoGet(const CallScope& scope, const v1::GetDocumentRequest& req, v1::GetDocumentResponse* resp);

  // A document the caller may see, with its item and the caller's plan for
  // it; NOT_FOUND naming the document otherwise (also when it is missing).
  struct VisibleDocument {
    v1::Document doc;
    ItemAccess item;
    auth::FieldPlan plan;
    // The caller's own draft (no item): its uploader reads what it gave.
    bool own_draft = false;
  };
  absl::StatusOr<VisibleDocument> FindVisible(const CallScope& scope, const std::string& id);

  const ServiceContext& sc_;
  storage::DocumentStore* store_;
  const DocumentLimits limits_;
};

}  // namespace caselink::server
