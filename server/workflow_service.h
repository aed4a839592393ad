// WorkflowService: transfers (forward and reverse) and supervision records.
// Each handler validates what is specific to its RPC (who may create what)
// and hands the rest to the shared workflow step (workflow_engine.h); every
// call goes through ServeUnary (admit -> handler -> filter -> log).
#pragma once

#include "caselink/v1/workflow.grpc.pb.h"
#include "server/service_context.h"

namespace caselink::server {

class WorkflowServiceImpl final : public v1::WorkflowService::CallbackService {
 public:
  explicit WorkflowServiceImpl(const ServiceContext& sc) : sc_(sc) {}

  grpc::ServerUnaryReactor* CreateTransfer(grpc::CallbackServerContext* ctx,
                                           const v1::CreateTransferRequest* req,
                                           v1::TransferResponse* resp) override;
  grpc::ServerUnaryReactor* ActOnTransfer(grpc::CallbackServerContext* ctx,
                                          const v1::WorkflowActionRequest* req,
                                          v1::TransferResponse* resp) override;
  grpc::ServerUnaryReactor* GetTransfer(grpc::CallbackServerContext* ctx,
                                        const v1::GetItemRequest* req,
                                        v1::GetTransferResponse* resp) override;
  grpc::ServerUnaryReactor* ListTransfers(grpc::CallbackServerContext* ctx,
                                          const v1::ListItemsRequest* req,
                                          v1::ListTransfersResponse* resp) override;
  grpc::ServerUnaryReactor* CreateSupervision(grpc::CallbackServerContext* ctx,
                                              const v1::CreateSupervisionRequest* req,
                                              v1::SupervisionResponse* resp) override;
  grpc::ServerUnaryReactor* ActOnSupervision(grpc::CallbackServerContext* ctx,
                                             const v1::WorkflowActionRequest* req,
                                             v1::SupervisionResponse* resp) override;
  grpc::ServerUnaryReactor* GetSupervision(grpc::CallbackServerContext* ctx,
                                           const v1::GetItemRequest* req,
                                           v1::GetSupervisionResponse* resp) override;
  grpc::ServerUnaryReactor* ListSupervision(grpc::CallbackServerContext* ctx,
                                            const v1::ListItemsRequest* req,
                                            v1::ListSupervisionResponse* resp) override;
  grpc::ServerUnaryReactor* ListOverdue(grpc::CallbackServerContext* ctx,
                                        const v1::ListOverdueRequest* req,
                                        v1::ListOverdueResponse* resp) override;

 private:
  absl::Status DoCreateTransfer(const CallScope& scope, const v1::CreateTransferRequest& req,
                                v1::TransferResponse* resp);
  absl::Status DoCreateSupervision(const CallScope& scope, const v1::CreateSupervisionRequest& req,
                                   v1::SupervisionResponse* resp);
  absl::Status DoListOverdue(const CallScope& scope, v1::ListOverdueResponse* resp);

  const ServiceContext& sc_;
};

}  // namespace caselink::server
