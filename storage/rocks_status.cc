#include "storage/rocks_status.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace caselink::storage {
namespace {

constexpr absl::string_view kStorageFullPayload = "caselink.storage/no-space";
constexpr absl::string_view kStorageErrorPayload = "caselink.storage/operation";

}  // namespace

bool IsStorageFull(const absl::Status& s) {
  return !s.ok() && s.GetPayload(kStorageFullPayload).has_value();
}

bool IsStorageError(const absl::Status& s) {
  return !s.ok() && s.GetPayload(kStorageErrorPayload).has_value();
}

std::string StorageOperation(const absl::Status& s) {
  const auto what = s.GetPayload(kStorageErrorPayload);
  return what.has_value() ? std::string(*what) : std::string();
}

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string msg = absl::StrCat(what, ": ", s.ToString());
  absl::Status out;
  if (s.IsNoSpace()) {
    out = absl::UnavailableError(absl::StrCat("the server's disk is full (no space left on device) while ", msg));
    out.SetPayload(kStorageFullPayload, absl::Cord("1"));
  } else if (s.IsNotFound()) {
    out = absl::NotFoundError(msg);
  } else if (s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()) {
    out = absl::AbortedError(msg);
  } else if (s.IsCorruption()) {
    out = absl::DataLossError(msg);
  } else if (s.IsInvalidArgument()) {
    out = absl::InvalidArgumentError(msg);
  } else if (s.IsIOError()) {
    out = absl::UnavailableError(msg);
  } else {
    out = absl::InternalError(msg);
  }
  out.SetPayload(kStorageErrorPayload, absl::Cord(what));
  return out;
}

}  // namespace caselink::storage
