#include "server/events/stream_scope.h"

#include "absl/strings/str_cat.h"
#include "server/core/server_metrics.h"

namespace caselink::server {

absl::Status StreamScope::Recheck(AccessRecord* record) {
  AccessRecord scratch;
  absl::StatusOr<CallScope> now = guard_->Admit(*ctx_, scope_.method, &scratch);
  if (!now.ok()) {
    if (record != nullptr) record->denied_by = scratch.denied_by;
    return absl::Status(now.status().code(),
                        absl::StrCat("the stream was ended: ", now.status().message()));
  }
  if (now->principal.agency_id != scope_.principal.agency_id) {
    if (record != nullptr) record->denied_by = deny_rule::kUnknownIdentity;
    return absl::PermissionDeniedError(absl::StrCat(
        "the stream was ended by the policy now in force: the certificate no longer names agency '",
        scope_.principal.agency_id, "'"));
  }
  now->record = scope_.record;
  scope_ = *std::move(now);
  return absl::OkStatus();
}

}  // namespace caselink::server
