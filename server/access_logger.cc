#include "server/access_logger.h"

#include <set>

#include "google/protobuf/util/time_util.h"
#include "server/party_ids.h"
#include "spdlog/spdlog.h"
#include "storage/audit_chain.h"

namespace caselink::server {

absl::Status AccessLogUnavailable() {
  return absl::UnavailableError("access log unavailable; the request was not served");
}

std::string AccessLogger::PartyHmac(const std::string& party_id) const {
  // Normalized first (party_ids.h), so a search logged with "…x" is found
  // by PartyAccess for "…X" and the other way round.
  return storage::audit::HmacSha256(hmac_key_, NormalizePartyId(party_id));
}

v1::AuditEntry AccessLogger::BuildEntry(const AccessRecord& r, const absl::Status& outcome) const {
  v1::AuditEntry e;
  *e.mutable_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(now_()));
  e.set_agency_id(r.agency_id);
  e.set_cert_fingerprint(r.cert_fingerprint);
  e.set_method(r.method);
  e.set_status_code(static_cast<int>(outcome.code()));
  std::set<std::string> cases;  // a listing of versions names a case once
  for (const std::string& id : r.case_ids) {
    if (cases.insert(id).second) e.add_case_ids(id);
  }
  e.set_requested_case_id(r.requested_case_id);
  for (const std::string& p : r.fields.full) e.add_fields_full(p);
  for (const std::string& p : r.fields.masked) e.add_fields_masked(p);
  for (const std::string& p : r.fields.withheld) e.add_fields_withheld(p);
  e.set_purpose(r.purpose);
  e.set_purpose_case_ref(r.purpose_case_ref);
  std::set<std::string> hmacs;
  for (const std::string& id : r.party_ids) hmacs.insert(PartyHmac(id));
  for (const std::string& h : hmacs) e.add_party_hmacs(h);
  if (!r.searched_party_id.empty()) e.set_searched_party_hmac(PartyHmac(r.searched_party_id));
  return e;
}

absl::Status AccessLogger::Log(const AccessRecord& record, const absl::Status& outcome) const {
  storage::CommitRequest req;
  req.appends.push_back({storage::Table::kAuditLog, BuildEntry(record, outcome).SerializeAsString()});
  req.durable = sync_reads_;
  auto r = pipeline_->Commit(std::move(req));
  if (!r.ok()) {
    spdlog::error("access log write failed for {} by {}: {}", record.method,
                  record.agency_id.empty() ? "-" : record.agency_id, std::string(r.status().message()));
    return AccessLogUnavailable();
  }
  return absl::OkStatus();
}

absl::Status AccessLogger::AttachEntry(const CallScope& scope, const v1::Case& written,
                                       storage::CommitRequest* commit) const {
  return AttachEntries(scope, {&written}, commit);
}

absl::Status AccessLogger::AttachEntries(const CallScope& scope,
                                         const std::vector<const v1::Case*>& written,
                                         storage::CommitRequest* commit) const {
  if (scope.record == nullptr) return absl::InternalError("the call has no access record");
  AccessRecord r = *scope.record;
  r.case_ids.clear();
  r.party_ids.clear();
  for (const v1::Case* c : written) {
    r.case_ids.push_back(c->case_id());
    for (std::string& id : PartyIdsOf(*c)) r.party_ids.push_back(std::move(id));
  }
  commit->appends.push_back(
      {storage::Table::kAuditLog, BuildEntry(r, absl::OkStatus()).SerializeAsString()});
  scope.record->logged_in_batch = true;
  return absl::OkStatus();
}

}  // namespace caselink::server
