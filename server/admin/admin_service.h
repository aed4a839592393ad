// AdminService: the operator's RPCs (proto/caselink/v1/admin.proto) —
// GetStats answers the same figures as /metrics; Backup makes an online
// BackupEngine backup into a directory below admin.backup_dir only
// (backup_path.h). Admitted,
// authorized (OPERATOR only, by the policy) and logged by ServeUnary like
// every RPC. Thread-safe; one backup at a time.
#pragma once

#include "absl/synchronization/mutex.h"
#include "caselink/v1/admin.grpc.pb.h"
#include "server/core/metrics_registry.h"
#include "server/core/raw_service.h"
#include "server/core/service_context.h"
#include "storage/audit_sealer.h"
#include "storage/database.h"

namespace caselink::server {

class AdminServiceImpl final : public RawService {
 public:
  // Registers caselink.v1.AdminService's methods (raw_service.h).
  AdminServiceImpl(const ServiceContext& sc, storage::Database* db, const storage::AuditChain* chain,
                   metrics::Registry* registry);

  // admin.backup_dir (resolved); empty: Backup is refused.
  void set_backup_dir(std::string dir) { backup_dir_ = std::move(dir); }

 private:
  absl::Status DoBackup(const v1::BackupRequest& req, v1::BackupResponse* resp);

  const ServiceContext& sc_;
  storage::Database* db_;
  const storage::AuditChain* chain_;
  metrics::Registry* registry_;
  absl::Mutex backup_mu_;
  std::string backup_dir_;
};

}  // namespace caselink::server
