#include "server/documents/document_access.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "caselink/v1/annotations.pb.h"

namespace caselink::server {

absl::Status ItemNotFound(const std::string& item_id) {
  return absl::NotFoundError(absl::StrCat("item '", item_id, "' not found"));
}

absl::StatusOr<ItemAccess> LoadItem(const ServiceContext& sc, const CallScope& scope, const std::string& item_id) {
  absl::StatusOr<ItemAccess> item = LoadItemAccess(sc, scope, item_id);
  if (absl::IsNotFound(item.status())) return ItemNotFound(item_id);
  return item;
}

absl::StatusOr<auth::FieldPlan> DocumentPlan(const ServiceContext& sc, const CallScope& scope,
                                             const ItemAccess& item, const absl::Status& not_found) {
  std::vector<auth::RowFacts> rows;
  for (const std::string& case_id : item.case_ids) {
    absl::StatusOr<v1::Case> c = sc.cases->Get(case_id, 0);
    if (absl::IsNotFound(c.status())) continue;
    if (!c.ok()) return c.status();
    rows.push_back(sc.guard->FactsOf(*c));
  }
  std::optional<auth::FieldPlan> plan = scope.authz->PlanDocument(scope.principal, scope.method, rows, item.visible);
  if (!plan.has_value()) return not_found;
  return *std::move(plan);
}

absl::Status CheckContentReadable(const CallScope& scope, const auth::FieldPlan& plan, const v1::Document& doc) {
  const v1::Sensitivity cls = doc.sensitivity() == v1::SENSITIVITY_UNSPECIFIED ? v1::INVESTIGATIVE : doc.sensitivity();
  // "document" is no path of a Case, so only class grants (and a rule's
  // path grant of "document" itself) decide.
  if (plan.Decide("document", cls) == v1::ALLOW) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      "the policy withholds documents of sensitivity ", v1::Sensitivity_Name(cls), " from agency '",
      scope.principal.agency_id, "' (rules granting ", scope.method, ": ", absl::StrJoin(plan.rule_names(), ", "),
      "); a rule must ALLOW that class for the agency to read document '", doc.id(), "'"));
}

absl::Status CheckUploader(const CallScope& scope, const ItemAccess& item) {
  if (!item.visible) return ItemNotFound(item.id);
  if (item.parties == 0) {
    return absl::PermissionDeniedError(absl::StrCat(
        "agency '", scope.principal.agency_id, "' holds no part in item '", item.id,
        "' (rule: documents are attached by the item's sender, its receiver or the procuratorate)"));
  }
  return absl::OkStatus();
}

}  // namespace caselink::server
