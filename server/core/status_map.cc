#include "server/core/status_map.h"

#include "absl/strings/str_cat.h"
#include "storage/rocks_status.h"

namespace caselink::server {
namespace {

constexpr char kSeeLog[] = "; the server's log has the details under this call's request id";

bool ServerSide(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
      return true;
    default:
      return storage::IsStorageError(s);
  }
}

}  // namespace

std::string CallerMessage(const absl::Status& s) {
  if (!ServerSide(s)) return std::string(s.message());
  const std::string what = storage::StorageOperation(s);
  const std::string during = what.empty() ? "" : absl::StrCat(" while ", what);
  if (storage::IsStorageFull(s)) {
    return absl::StrCat("the server's disk is full", during,
                        "; the request was not served: retry later (the operator must free space on the database "
                        "volume)");
  }
  switch (s.code()) {
    case absl::StatusCode::kDataLoss:
      return absl::StrCat("the server found its stored data damaged", during,
                          "; the request was not served: tell the district's operator", kSeeLog);
    case absl::StatusCode::kUnavailable:
      return absl::StrCat("the server's storage failed", during, "; retry later", kSeeLog);
    case absl::StatusCode::kAborted:
      return absl::StrCat("the server's storage was busy", during, "; retry", kSeeLog);
    default:
      return absl::StrCat("internal error in the server", during, " (", absl::StatusCodeToString(s.code()),
                          "); tell the district's operator", kSeeLog);
  }
}

grpc::Status ToGrpc(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), CallerMessage(s));
}

}  // namespace caselink::server
