#include "caselink/status_details.h"

#include "absl/strings/cord.h"

namespace caselink {

std::optional<std::string> RequestIdOf(const absl::Status& status) {
  auto payload = status.GetPayload(kRequestIdPayloadUrl);  // absl::optional<absl::Cord>
  if (!payload.has_value()) return std::nullopt;
  return std::string(*payload);
}

absl::Status WithRequestId(absl::Status status, absl::string_view request_id) {
  if (status.ok() || request_id.empty()) return status;
  status.SetPayload(kRequestIdPayloadUrl, absl::Cord(request_id));
  return status;
}

}  // namespace caselink
