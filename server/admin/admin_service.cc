#include "server/admin/admin_service.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "caselink_common/status_macros.h"
#include "server/core/access_logger.h"
#include "server/admin/backup_path.h"
#include "server/core/unary_call.h"
#include "spdlog/spdlog.h"
#include "storage/backup.h"

namespace caselink::server {
namespace {

const std::string kService = v1::AdminService::service_full_name();

void ToProto(const std::vector<metrics::FamilySnapshot>& families, v1::GetStatsResponse* resp) {
  for (const metrics::FamilySnapshot& f : families) {
    v1::MetricFamily* out = resp->add_families();
    out->set_name(f.name);
    out->set_help(f.help);
    out->set_type(f.type);
    for (const metrics::Sample& s : f.samples) {
      v1::MetricSample* sample = out->add_samples();
      sample->set_name(s.name);
      for (const auto& [k, v] : s.labels) (*sample->mutable_labels())[k] = v;
      sample->set_value(s.value);
    }
  }
}

}  // namespace

AdminServiceImpl::AdminServiceImpl(const ServiceContext& sc, storage::Database* db,
                                   const storage::AuditChain* chain, metrics::Registry* registry)
    : RawService(sc), sc_(sc), db_(db), chain_(chain), registry_(registry) {
  Install(kService,
          {Unary<v1::GetStatsRequest, v1::GetStatsResponse>(
               "GetStats",
               [this](const CallScope&, const v1::GetStatsRequest&, v1::GetStatsResponse* resp) {
                 ToProto(registry_->Snapshot(), resp);
                 return absl::OkStatus();
               }),
           Unary<v1::BackupRequest, v1::BackupResponse>(
               "Backup", [this](const CallScope& scope, const v1::BackupRequest& req,
                                v1::BackupResponse* resp) {
                 // A backup copies every record out of the database: its entry is on
                 // disk before the first byte is copied (a failure is logged after it).
                 if (sc_.access_log != nullptr) {
                   CASELINK_RETURN_IF_ERROR(sc_.access_log->LogBeforeAction(
                       scope, absl::StrCat("backup into ", req.directory())));
                 }
                 return DoBackup(req, resp);
               })});
}

absl::Status AdminServiceImpl::DoBackup(const v1::BackupRequest& req, v1::BackupResponse* resp) {
  CASELINK_ASSIGN_OR_RETURN(const std::string directory, ResolveBackupDirectory(backup_dir_, req.directory()));
  // The BackupEngine makes only the last component; nested names
  // ("weekly/2026") need their parents, all below backup_dir (just checked).
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(directory).parent_path(), ec);
  if (!backup_mu_.TryLock()) {
    return absl::FailedPreconditionError("another backup is running; try again when it has finished");
  }
  // Every entry up to this head was durable before the backup began, so it
  // is in the backup.
  const uint64_t head = chain_ != nullptr ? chain_->head_seq() : 0;
  const absl::Time start = absl::Now();
  absl::StatusOr<storage::BackupResult> result = storage::CreateBackup(db_, directory);
  backup_mu_.Unlock();
  if (!result.ok()) {
    spdlog::error("backup into {} failed: {}", directory, result.status().ToString());
    return result.status();
  }
  resp->set_backup_id(result->backup_id);
  resp->set_audit_head_seq(head);
  resp->set_size_bytes(result->size_bytes);
  resp->set_file_count(result->file_count);
  resp->set_directory(directory);
  spdlog::info("backup {} written into {}: {} files, {} bytes, audit head >= {}, {:.0f} ms",
               result->backup_id, directory, result->file_count, result->size_bytes, head,
               absl::ToDoubleMilliseconds(absl::Now() - start));
  return absl::OkStatus();
}

}  // namespace caselink::server
