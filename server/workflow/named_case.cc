#include "server/workflow/named_case.h"

#include "absl/strings/str_cat.h"
#include "caselink_common/status_macros.h"
#include "server/core/request_validator.h"

namespace caselink::server {

namespace {

// The reads through which an agency may know a case's id: reading the case,
// or counting it in its joint-meeting report (the government reads no case
// rows, yet convenes the meeting on the cases its report lists).
constexpr const char* kKnowingReads[] = {"caselink.v1.CaseService/GetCase",
                                         "caselink.v1.ReportService/GetJointMeetingReport"};

bool Knows(const ServiceContext& sc, const CallScope& scope, const v1::Case& c) {
  if (c.owner_agency() == scope.principal.agency_id) return true;
  CallScope as_reader = scope;
  for (const char* method : kKnowingReads) {
    as_reader.method = method;
    if (sc.guard->Visible(as_reader, c)) return true;
  }
  return false;
}

}  // namespace

absl::Status CheckNamedCase(const ServiceContext& sc, const CallScope& scope, absl::string_view field,
                            const std::string& case_id, NamedCaseRule rule, absl::string_view own_case_hint) {
  CASELINK_RETURN_IF_ERROR(ValidateCaseId(field, case_id));
  auto c = sc.cases->Get(case_id, 0);
  if (absl::IsNotFound(c.status())) return CaseNotFound(case_id);
  if (!c.ok()) return c.status();
  if (!Knows(sc, scope, *c)) return CaseNotFound(case_id);
  switch (rule) {
    case NamedCaseRule::kKnown:
      return absl::OkStatus();
    case NamedCaseRule::kSelected:
      // Not merely one it reads: the police read every agency's cases with
      // identity numbers masked, but send back only a case they handled.
      if (sc.guard->Visible(scope, *c)) return absl::OkStatus();
      return absl::PermissionDeniedError(absl::StrCat(
          field, ": case '", case_id, "' is not among the cases your rules for ", scope.method,
          " select (e.g. your own, or one transferred to you); an item may name only those, since it "
          "links the case to every party of the item"));
    case NamedCaseRule::kOwn:
      if (c->owner_agency() == scope.principal.agency_id) return absl::OkStatus();
      return absl::PermissionDeniedError(absl::StrCat(field, ": case '", case_id, "' belongs to agency '",
                                                      c->owner_agency(), "'; ", own_case_hint));
  }
  return absl::InternalError("unknown NamedCaseRule");
}

}  // namespace caselink::server
