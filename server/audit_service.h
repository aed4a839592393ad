// AuditService: who read a case, what an agency accessed in a period, who
// accessed or searched a party id — answered from the access log's index.
// Who may ask is the policy's decision (the shared enforcement path), and
// each question is itself logged like every call.
#pragma once

#include "caselink/v1/audit.grpc.pb.h"
#include "server/service_context.h"
#include "storage/database.h"

namespace caselink::server {

class AuditServiceImpl final : public v1::AuditService::CallbackService {
 public:
  AuditServiceImpl(const ServiceContext& sc, const storage::Database* db) : sc_(sc), db_(db) {}

  grpc::ServerUnaryReactor* WhoRead(grpc::CallbackServerContext* ctx, const v1::WhoReadRequest* req,
                                    v1::AuditQueryResponse* resp) override;
  grpc::ServerUnaryReactor* AgencyAccess(grpc::CallbackServerContext* ctx,
                                         const v1::AgencyAccessRequest* req,
                                         v1::AuditQueryResponse* resp) override;
  grpc::ServerUnaryReactor* PartyAccess(grpc::CallbackServerContext* ctx,
                                        const v1::PartyAccessRequest* req,
                                        v1::AuditQueryResponse* resp) override;

 private:
  const ServiceContext& sc_;
  const storage::Database* db_;
};

}  // namespace caselink::server
