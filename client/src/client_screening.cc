// Client methods of ScreeningService: one line each through the generic
// UnaryCall; the dismissal gets a request_id fixed before the first attempt.
#include "caselink/client.h"
#include "caselink/request_id.h"
#include "client_impl.h"
#include "unary_call.h"

namespace caselink {

using Stub = v1::ScreeningService::Stub;

absl::StatusOr<v1::ListHitsResponse> Client::ListHits(const v1::ListHitsRequest& request) {
  return client_internal::UnaryCall(*impl_->screening, &Stub::ListHits, request, options_.deadline);
}

absl::StatusOr<v1::DismissHitResponse> Client::DismissHit(v1::DismissHitRequest request) {
  if (request.request_id().empty()) request.set_request_id(NewRequestId());
  return client_internal::UnaryCall(*impl_->screening, &Stub::DismissHit, request, options_.deadline);
}

}  // namespace caselink
