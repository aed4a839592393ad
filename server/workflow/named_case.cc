#include "server/workflow/named_case.h"

#include "absl/strings/str_cat.h"
#include "caselink_common/status_macros.h"
#include "server/core/request_validator.h"

namespace caselink::server {

absl::Status CheckNamedCase(const ServiceContext& sc, const CallScope& scope, absl::string_view field,
                            const std::string& case_id, bool must_own, absl::string_view own_case_hint) {
  CASELINK_RETURN_IF_ERROR(ValidateCaseId(field, case_id));
  auto c = sc.cases->Get(case_id, 0);
  if (absl::IsNotFound(c.status())) return CaseNotFound(case_id);
  if (!c.ok()) return c.status();
  if (!must_own || c->owner_agency() == scope.principal.agency_id) return absl::OkStatus();
  CallScope as_reader = scope;
  as_reader.method = "caselink.v1.CaseService/GetCase";
  if (!sc.guard->Visible(as_reader, *c)) return CaseNotFound(case_id);
  return absl::PermissionDeniedError(absl::StrCat(field, ": case '", case_id, "' belongs to agency '",
                                                  c->owner_agency(), "'; ", own_case_hint));
}

}  // namespace caselink::server
