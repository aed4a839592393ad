// WorkflowService: transfers (forward and reverse) and supervision records.
// Each handler validates what is specific to its RPC (who may create what)
// and hands the rest to the shared workflow step (workflow_engine.h); every
// call goes through ServeUnary (admit -> handler -> filter -> log).
#pragma once

#include "caselink/v1/workflow.grpc.pb.h"
#include "server/core/raw_service.h"
#include "server/core/service_context.h"

namespace caselink::server {

class WorkflowServiceImpl final : public RawService {
 public:
  // Registers caselink.v1.WorkflowService's methods (raw_service.h).
  explicit WorkflowServiceImpl(const ServiceContext& sc);

 private:
  absl::Status DoCreateTransfer(const CallScope& scope, const v1::CreateTransferRequest& req,
                                v1::TransferResponse* resp);
  absl::Status DoCreateSupervision(const CallScope& scope, const v1::CreateSupervisionRequest& req,
                                   v1::SupervisionResponse* resp);
  absl::Status DoListOverdue(const CallScope& scope, const v1::ListOverdueRequest& req,
                             v1::ListOverdueResponse* resp);
  absl::Status DoActOnTransfer(const CallScope& scope, const v1::WorkflowActionRequest& req,
                               v1::TransferResponse* resp);
  absl::Status DoGetTransfer(const CallScope& scope, const v1::GetItemRequest& req,
                             v1::GetTransferResponse* resp);
  absl::Status DoListTransfers(const CallScope& scope, const v1::ListItemsRequest& req,
                               v1::ListTransfersResponse* resp);
  absl::Status DoActOnSupervision(const CallScope& scope, const v1::WorkflowActionRequest& req,
                                  v1::SupervisionResponse* resp);
  absl::Status DoGetSupervision(const CallScope& scope, const v1::GetItemRequest& req,
                                v1::GetSupervisionResponse* resp);
  absl::Status DoListSupervision(const CallScope& scope, const v1::ListItemsRequest& req,
                                 v1::ListSupervisionResponse* resp);

  const ServiceContext& sc_;
};

}  // namespace caselink::server
