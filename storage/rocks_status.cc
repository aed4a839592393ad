#include "storage/rocks_status.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace caselink::storage {
namespace {

constexpr absl::string_view kStorageFullPayload = "caselink.storage/no-space";

}  // namespace

bool IsStorageFull(const absl::Status& s) {
  return !s.ok() && s.GetPayload(kStorageFullPayload).has_value();
}

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string msg = absl::StrCat(what, ": ", s.ToString());
  if (s.IsNoSpace()) {
    absl::Status full = absl::UnavailableError(
        absl::StrCat("the server's disk is full (no space left on device) while ", msg));
    full.SetPayload(kStorageFullPayload, absl::Cord("1"));
    return full;
  }
  if (s.IsNotFound()) return absl::NotFoundError(msg);
  if (s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()) return absl::AbortedError(msg);
  if (s.IsCorruption()) return absl::DataLossError(msg);
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(msg);
  if (s.IsIOError()) return absl::UnavailableError(msg);
  return absl::InternalError(msg);
}

}  // namespace caselink::storage
