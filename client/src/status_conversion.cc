#include "status_conversion.h"

#include <string>

#include "caselink/status_details.h"

namespace caselink::client_internal {

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

absl::Status FromGrpcCall(const grpc::Status& status, const grpc::ClientContext& context) {
  absl::Status s = FromGrpcStatus(status);
  if (s.ok()) return s;
  const auto& trailers = context.GetServerTrailingMetadata();
  auto it = trailers.find(kRequestIdTrailer);
  if (it == trailers.end()) return s;
  return WithRequestId(std::move(s), absl::string_view(it->second.data(), it->second.size()));
}

}  // namespace caselink::client_internal
