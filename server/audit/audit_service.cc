#include "server/audit/audit_service.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "caselink_common/status_macros.h"
#include "caselink_common/proto_time.h"
#include "server/core/masked_search_quota.h"
#include "server/core/party_ids.h"
#include "server/core/unary_call.h"
#include "storage/audit_store.h"

namespace caselink::server {
namespace {

const std::string kService = v1::AuditService::service_full_name();

absl::StatusOr<int> Limit(int32_t limit) {
  if (limit < 0 || limit > 1000) {
    return absl::InvalidArgumentError("limit: must be between 1 and 1000 (0 means 100)");
  }
  return limit == 0 ? 100 : limit;
}

absl::Status Required(const char* field, const std::string& value) {
  if (value.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": is required"));
  if (value.size() > 200) return absl::InvalidArgumentError(absl::StrCat(field, ": is too long"));
  return absl::OkStatus();
}

absl::Status Answer(absl::StatusOr<storage::AuditPage> page, v1::AuditQueryResponse* resp) {
  if (!page.ok()) return page.status();
  for (v1::AuditEntry& e : page->entries) *resp->add_entries() = std::move(e);
  resp->set_truncated(page->truncated);
  return absl::OkStatus();
}


}  // namespace

AuditServiceImpl::AuditServiceImpl(const ServiceContext& sc, const storage::Database* db)
    : RawService(sc), sc_(sc), db_(db) {
  Install(kService, {Unary("WhoRead", this, &AuditServiceImpl::DoWhoRead),
                     Unary("AgencyAccess", this, &AuditServiceImpl::DoAgencyAccess),
                     Unary("PartyAccess", this, &AuditServiceImpl::DoPartyAccess)});
}

absl::Status AuditServiceImpl::DoWhoRead(const CallScope&, const v1::WhoReadRequest& req,
                                         v1::AuditQueryResponse* resp) {
  CASELINK_RETURN_IF_ERROR(Required("case_id", req.case_id()));
  CASELINK_ASSIGN_OR_RETURN(int limit, Limit(req.limit()));
  return Answer(storage::QueryAuditByCase(*db_, req.case_id(), limit, req.after_seq()), resp);
}

absl::Status AuditServiceImpl::DoAgencyAccess(const CallScope& scope, const v1::AgencyAccessRequest& req,
                                              v1::AuditQueryResponse* resp) {
  CASELINK_RETURN_IF_ERROR(Required("agency_id", req.agency_id()));
  CASELINK_ASSIGN_OR_RETURN(int limit, Limit(req.limit()));
  const absl::Time from = req.has_from() ? FromProtoTime(req.from()) : absl::UnixEpoch();
  const absl::Time to = req.has_to() ? FromProtoTime(req.to()) : absl::InfiniteFuture();
  // The question's own entry names what was asked (docs/audit.md), also
  // when it is refused below.
  if (scope.record != nullptr) {
    scope.record->detail = absl::StrCat("agency '", req.agency_id(), "' from ", absl::FormatTime(from, absl::UTCTimeZone()),
                                        req.has_to() ? absl::StrCat(" to ", absl::FormatTime(to, absl::UTCTimeZone())) : "");
  }
  if (to <= from) return absl::InvalidArgumentError("to: must be after from");
  return Answer(storage::QueryAuditByAgency(
                    *db_, req.agency_id(), from,
                    to == absl::InfiniteFuture() ? absl::FromUnixSeconds(int64_t{1} << 40) : to, limit),
                resp);
}

absl::Status AuditServiceImpl::DoPartyAccess(const CallScope& scope, const v1::PartyAccessRequest& req,
                                             v1::AuditQueryResponse* resp) {
  if (req.party_id().empty() == req.party_name().empty()) {
    return absl::InvalidArgumentError(
        "party_id: give exactly one of party_id (身份证号 / 统一社会信用代码) and party_name (a name as searched)");
  }
  // As searched and logged: "…x" is "…X" (party_ids.h).
  const std::string id = NormalizePartyId(req.party_id());
  if (!req.party_id().empty() && !IsValidResidentId(id) && !IsValidCreditCode(id)) {
    return absl::InvalidArgumentError(
        "party_id: must be an 18-character 身份证号 or 统一社会信用代码 with a valid check character");
  }
  CASELINK_ASSIGN_OR_RETURN(int limit, Limit(req.limit()));
  if (sc_.access_log == nullptr) return absl::FailedPreconditionError("no access log");
  // An auditor that sees identity numbers masked could confirm a guessed
  // number by asking who accessed it: charged like a search by it.
  CASELINK_RETURN_IF_ERROR(ChargeMaskedPartyQuestion(sc_.masked_search_quota, scope, sc_.now()));
  const std::string hmac = req.party_id().empty() ? sc_.access_log->PartyNameHmac(req.party_name())
                                                 : sc_.access_log->PartyHmac(req.party_id());
  return Answer(storage::QueryAuditByParty(*db_, hmac, limit, req.after_seq()), resp);
}

}  // namespace caselink::server
