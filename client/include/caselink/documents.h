// What the Client's document methods take besides the generated messages:
// a progress callback, and the byte source and sink of the streaming calls.
// The file helpers (Client::UploadDocumentFile, DownloadDocumentFile) are
// built on them and are what most integrators need.
//
// Example:
//   caselink::v1::UploadHeader h;
//   h.set_item_id(transfer_id);
//   h.set_kind(caselink::v1::MATERIAL_TRANSFER_LETTER);
//   auto up = client->UploadDocumentFile(h, "/data/移送书.pdf",
//       [](int64_t done, int64_t total) { std::printf("%lld/%lld\r", (long long)done, (long long)total); });
//   caselink::v1::DownloadDocumentRequest d;
//   d.set_id(up->document().id());
//   d.set_purpose("审查移送材料");
//   auto doc = client->DownloadDocumentFile(d, "/tmp/移送书.pdf");  // resumes a .part file
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace caselink {

// Called after each piece sent or received: bytes done so far (counting
// from 0, also when a download resumes) and the file's size.
using TransferProgress = std::function<void(int64_t done, int64_t total)>;

// Fills `buffer` with up to `capacity` next bytes of an upload's content and
// returns how many; 0 at the end. An error aborts the upload (the server
// stores nothing).
using ByteSource = std::function<absl::StatusOr<size_t>(char* buffer, size_t capacity)>;

// Receives the next bytes of a download, which start at `offset` of the
// file. An error aborts the download.
using ByteSink = std::function<absl::Status(int64_t offset, absl::string_view bytes)>;

}  // namespace caselink
