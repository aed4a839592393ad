// AuditService: who read a case, what an agency accessed in a period, who
// accessed or searched a party id — answered from the access log's index.
// Who may ask is the policy's decision (the shared enforcement path), and
// each question is itself logged like every call.
#pragma once

#include "caselink/v1/audit.grpc.pb.h"
#include "server/core/raw_service.h"
#include "server/core/service_context.h"
#include "storage/database.h"

namespace caselink::server {

class AuditServiceImpl final : public RawService {
 public:
  // Registers caselink.v1.AuditService's methods (raw_service.h).
  AuditServiceImpl(const ServiceContext& sc, const storage::Database* db);

 private:
  absl::Status DoWhoRead(const CallScope& scope, const v1::WhoReadRequest& req,
                         v1::AuditQueryResponse* resp);
  absl::Status DoAgencyAccess(const CallScope& scope, const v1::AgencyAccessRequest& req,
                              v1::AuditQueryResponse* resp);
  absl::Status DoPartyAccess(const CallScope& scope, const v1::PartyAccessRequest& req,
                             v1::AuditQueryResponse* resp);

  const ServiceContext& sc_;
  const storage::Database* db_;
};

}  // namespace caselink::server
