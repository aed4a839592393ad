// Client methods of DocumentService: the two streaming calls (an upload
// reads its source in 256 KiB chunks, a download hands each message to the
// sink as it arrives), the file helpers on top of them (hash before upload,
// resume and verify on download), and the two unary reads.
#include <grpcpp/client_context.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "caselink_common/private_file.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "absl/strings/str_cat.h"
#include "caselink/client.h"
#include "client_impl.h"
#include "openssl/evp.h"
#include "status_conversion.h"
#include "unary_call.h"

namespace caselink {
namespace {

// 256 KiB a message: under any server's max_receive_message_bytes.
constexpr size_t kChunkBytes = 256 << 10;
// Large files on slow links: a transfer's own deadline, not the per-call one.
constexpr auto kStreamDeadline = std::chrono::hours(1);

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr); }
  ~Sha256() { EVP_MD_CTX_free(ctx_); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(absl::string_view bytes) { EVP_DigestUpdate(ctx_, bytes.data(), bytes.size()); }
  std::string Hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_, md, &len);
    return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(md), len));
  }

 private:
  EVP_MD_CTX* ctx_;
};

// Hashes `path` (or its first `limit` bytes); the number of bytes read.
absl::StatusOr<int64_t> HashFile(const std::string& path, Sha256* hash, int64_t limit = -1) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::vector<char> buf(kChunkBytes);
  int64_t total = 0;
  while (limit < 0 || total < limit) {
    size_t want = buf.size();
    if (limit >= 0) want = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(want), limit - total));
    in.read(buf.data(), static_cast<std::streamsize>(want));
    const std::streamsize got = in.gcount();
    if (got <= 0) break;
    hash->Update(absl::string_view(buf.data(), static_cast<size_t>(got)));
    total += got;
  }
  if (in.bad()) return absl::DataLossError(absl::StrCat("reading ", path, " failed"));
  return total;
}

// The whole header (request_id cleared), so the same file sent again is a
// replay and a corrected header (another reference) a new upload.
std::string DefaultRequestId(v1::UploadHeader h) {
  h.clear_request_id();
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream raw(&bytes);
    google::protobuf::io::CodedOutputStream out(&raw);
    out.SetSerializationDeterministic(true);
    h.SerializeToCodedStream(&out);
  }
  Sha256 id;
  id.Update("caselink-document\n");
  id.Update(bytes);
  return absl::StrCat("doc-", id.Hex().substr(0, 40));
}

}  // namespace

absl::StatusOr<v1::UploadDocumentResponse> Client::UploadDocument(v1::UploadHeader header, const ByteSource& source,
                                                                  const TransferProgress& progress) {
  if (header.request_id().empty()) header.set_request_id(DefaultRequestId(header));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kStreamDeadline);
  v1::UploadDocumentResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::UploadDocumentRequest>> writer =
      impl_->documents->Upload(&context, &response);
  v1::UploadDocumentRequest msg;
  *msg.mutable_header() = header;
  absl::Status source_error;
  if (writer->Write(msg)) {
    std::string buf(kChunkBytes, '\0');
    int64_t sent = 0;
    while (true) {
      absl::StatusOr<size_t> n = source(buf.data(), buf.size());
      if (!n.ok()) {
        source_error = n.status();
        context.TryCancel();  // the server stores nothing of a cancelled upload
        break;
      }
      if (*n == 0) break;
      msg.set_chunk(buf.data(), *n);
      // A failed write means the server has answered (a refusal): Finish
      // below returns its status.
      if (!writer->Write(msg)) break;
      sent += static_cast<int64_t>(*n);
      if (progress) progress(sent, header.size());
    }
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!source_error.ok()) return source_error;
  if (!status.ok()) return client_internal::FromGrpcCall(status, context);
  return response;
}

absl::StatusOr<v1::UploadDocumentResponse> Client::UploadDocumentFile(v1::UploadHeader header,
                                                                      const std::string& path,
                                                                      const TransferProgress& progress) {
  Sha256 hash;
  absl::StatusOr<int64_t> size = HashFile(path, &hash);
  if (!size.ok()) return size.status();
  header.set_size(*size);
  header.set_sha256(hash.Hex());
  if (header.file_name().empty()) header.set_file_name(std::filesystem::path(path).filename().string());
  auto in = std::make_shared<std::ifstream>(path, std::ios::binary);
  if (!*in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  return UploadDocument(
      std::move(header),
      [in, &path](char* buf, size_t cap) -> absl::StatusOr<size_t> {
        in->read(buf, static_cast<std::streamsize>(cap));
        if (in->bad()) return absl::DataLossError(absl::StrCat("reading ", path, " failed"));
        return static_cast<size_t>(in->gcount());
      },
      progress);
}

absl::StatusOr<v1::Document> Client::DownloadDocument(const v1::DownloadDocumentRequest& request,
                                                      const ByteSink& sink, const TransferProgress& progress) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kStreamDeadline);
  std::unique_ptr<grpc::ClientReader<v1::DownloadDocumentResponse>> reader =
      impl_->documents->Download(&context, request);
  v1::DownloadDocumentResponse msg;
  v1::Document doc;
  absl::Status sink_error;
  while (reader->Read(&msg)) {
    if (msg.has_document()) doc = msg.document();
    absl::Status s = sink(msg.offset(), msg.data());
    if (!s.ok()) {
      sink_error = s;
      context.TryCancel();
      break;
    }
    if (progress) progress(msg.offset() + static_cast<int64_t>(msg.data().size()), doc.size());
  }
  grpc::Status status = reader->Finish();
  if (!sink_error.ok()) return sink_error;
  if (!status.ok()) return client_internal::FromGrpcCall(status, context);
  return doc;
}

absl::StatusOr<v1::Document> Client::DownloadDocumentFile(const v1::DownloadDocumentRequest& request,
                                                          const std::string& path, const TransferProgress& progress) {
  const std::string part = path + ".part";
  std::error_code ec;
  const int64_t have = std::filesystem::exists(part, ec) ? static_cast<int64_t>(std::filesystem::file_size(part, ec)) : 0;
  v1::DownloadDocumentRequest req = request;
  req.set_offset(ec ? 0 : have);
  // Opened at the first bytes, so a refused download leaves no file.
  std::ofstream out;
  absl::StatusOr<v1::Document> doc = DownloadDocument(
      req,
      [&](int64_t offset, absl::string_view bytes) -> absl::Status {
        if (!out.is_open()) {
          // Case material: readable by the downloading user alone, whatever its umask.
          if (absl::Status made = CreatePrivateFile(part); !made.ok()) return made;
          out.open(part, std::ios::binary | (req.offset() > 0 ? std::ios::app : std::ios::trunc));
          if (!out) return absl::PermissionDeniedError(absl::StrCat("cannot write ", part));
        }
        if (offset != static_cast<int64_t>(out.tellp())) {
          return absl::DataLossError(absl::StrCat("the server sent offset ", offset, ", expected ",
                                                  static_cast<int64_t>(out.tellp())));
        }
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!out) return absl::DataLossError(absl::StrCat("writing ", part, " failed"));
        return absl::OkStatus();
      },
      progress);
  if (out.is_open()) out.close();
  if (!doc.ok()) {
    // OUT_OF_RANGE: the .part file is longer than the document, so it is
    // not this document's beginning: start again.
    if (absl::IsOutOfRange(doc.status())) std::filesystem::remove(part, ec);
    return doc.status();  // the .part file stays for a resumed download
  }
  if (!std::filesystem::exists(part, ec)) {  // an empty document
    if (absl::Status made = CreatePrivateFile(part); !made.ok()) return made;
  }
  Sha256 hash;
  absl::StatusOr<int64_t> size = HashFile(part, &hash);
  if (!size.ok()) return size.status();
  const std::string got = hash.Hex();
  if (*size != doc->size() || got != doc->sha256()) {
    std::filesystem::remove(part, ec);
    return absl::DataLossError(absl::StrCat("the downloaded file hashes to ", got, " (", *size,
                                            " bytes), not to the document's ", doc->sha256(), " (", doc->size(),
                                            " bytes); removed ", part, ", download again"));
  }
  std::filesystem::rename(part, path, ec);
  if (ec) return absl::PermissionDeniedError(absl::StrCat("cannot rename ", part, " to ", path, ": ", ec.message()));
  return doc;
}

absl::StatusOr<v1::ListDocumentsResponse> Client::ListDocuments(const v1::ListDocumentsRequest& request) {
  return client_internal::UnaryCall(*impl_->documents, &v1::DocumentService::Stub::List, request, options_.deadline);
}

absl::StatusOr<v1::GetDocumentResponse> Client::GetDocument(const v1::GetDocumentRequest& request) {
  return client_internal::UnaryCall(*impl_->documents, &v1::DocumentService::Stub::Get, request, options_.deadline);
}

}  // namespace caselink
