// Client methods of WorkflowService: each one line through the generic
// UnaryCall; mutating calls get a request_id fixed before the first attempt.
#include "caselink/client.h"
#include "caselink/pages.h"
#include "caselink/request_id.h"
#include "client_impl.h"
#include "unary_call.h"

namespace caselink {
namespace {

template <typename Request>
void EnsureRequestId(Request* request) {
  if (request->request_id().empty()) request->set_request_id(NewRequestId());
}

}  // namespace

using client_internal::UnaryCall;
using Stub = v1::WorkflowService::Stub;

absl::StatusOr<v1::TransferResponse> Client::CreateTransfer(v1::CreateTransferRequest request) {
  EnsureRequestId(&request);
  return UnaryCall(*impl_->workflow, &Stub::CreateTransfer, request, options_.deadline);
}

absl::StatusOr<v1::TransferResponse> Client::ActOnTransfer(v1::WorkflowActionRequest request) {
  EnsureRequestId(&request);
  return UnaryCall(*impl_->workflow, &Stub::ActOnTransfer, request, options_.deadline);
}

absl::StatusOr<v1::GetTransferResponse> Client::GetTransfer(const v1::GetItemRequest& request) {
  return UnaryCall(*impl_->workflow, &Stub::GetTransfer, request, options_.deadline);
}

absl::StatusOr<v1::ListTransfersResponse> Client::ListTransfers(const v1::ListItemsRequest& request) {
  return UnaryCall(*impl_->workflow, &Stub::ListTransfers, request, options_.deadline);
}

absl::StatusOr<v1::SupervisionResponse> Client::CreateSupervision(
    v1::CreateSupervisionRequest request) {
  EnsureRequestId(&request);
  return UnaryCall(*impl_->workflow, &Stub::CreateSupervision, request, options_.deadline);
}

absl::StatusOr<v1::SupervisionResponse> Client::ActOnSupervision(v1::WorkflowActionRequest request) {
  EnsureRequestId(&request);
  return UnaryCall(*impl_->workflow, &Stub::ActOnSupervision, request, options_.deadline);
}

absl::StatusOr<v1::GetSupervisionResponse> Client::GetSupervision(const v1::GetItemRequest& request) {
  return UnaryCall(*impl_->workflow, &Stub::GetSupervision, request, options_.deadline);
}

absl::StatusOr<v1::ListSupervisionResponse> Client::ListSupervision(
    const v1::ListItemsRequest& request) {
  return UnaryCall(*impl_->workflow, &Stub::ListSupervision, request, options_.deadline);
}

absl::StatusOr<v1::ListOverdueResponse> Client::ListOverdue(const v1::ListOverdueRequest& request) {
  return UnaryCall(*impl_->workflow, &Stub::ListOverdue, request, options_.deadline);
}

absl::StatusOr<v1::ListOverdueResponse> Client::ListOverdue() {
  v1::ListOverdueRequest request;
  request.set_page_size(500);
  return AllPages(request, [this](const v1::ListOverdueRequest& r) { return ListOverdue(r); });
}

}  // namespace caselink
