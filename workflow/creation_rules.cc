#include "workflow/creation_rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "workflow/workflow_config.h"

namespace caselink::workflow {

const CreationRule& ForwardTransferCreation() {
  static const CreationRule* rule = new CreationRule{
      "forward transfer",
      {v1::ENFORCEMENT, v1::TOWN},
      "only an administrative enforcement agency (role ENFORCEMENT or TOWN) makes a forward "
      "transfer (rule: forward transfer CREATE: sender is an enforcement agency)",
      {v1::POLICE},
      "a police agency",
      {v1::MATERIAL_TRANSFER_LETTER, v1::MATERIAL_INVESTIGATION_REPORT, v1::MATERIAL_ITEM_LIST},
      "国务院令第310号 第六条: 应当附有涉嫌犯罪案件移送书、涉嫌犯罪案件情况的调查报告、涉案物品清单"};
  return *rule;
}

const CreationRule& ReverseTransferCreation() {
  static const CreationRule* rule = new CreationRule{
      "reverse transfer",
      {v1::PROCURATORATE, v1::POLICE},
      "only the procuratorate (刑事诉讼法 第一百七十七条第三款) or the police (行政处罚法 第二十七条) "
      "make a reverse transfer (rule: reverse transfer CREATE: sender is the procuratorate or "
      "a police agency)",
      {v1::ENFORCEMENT, v1::TOWN},
      "an administrative enforcement agency"};
  return *rule;
}

const CreationRule& SupervisionCreation() {
  static const CreationRule* rule = new CreationRule{
      "supervision record",
      {v1::PROCURATORATE},
      "only the procuratorate issues supervision records (rule: supervision CREATE: sender is "
      "the procuratorate)",
      {v1::ENFORCEMENT, v1::POLICE, v1::JUSTICE, v1::GOVERNMENT, v1::TOWN},
      "a supervised agency"};
  return *rule;
}

absl::Status CheckSender(const CreationRule& rule, const Actor& actor) {
  for (v1::Role r : rule.sender_roles) {
    if (actor.Has(r)) return absl::OkStatus();
  }
  return absl::PermissionDeniedError(rule.sender_refusal);
}

absl::Status CheckReceiver(const CreationRule& rule, const Actor& actor, const std::string& receiver,
                           const AgencyDirectory& agencies) {
  if (receiver.empty()) return absl::InvalidArgumentError("receiver_agency: is required");
  if (receiver == actor.agency_id) {
    return absl::InvalidArgumentError("receiver_agency: must be another agency");
  }
  const std::vector<v1::Role> have = agencies.RolesOf(receiver);
  if (have.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("receiver_agency: '", receiver, "' is not an agency of the district's policy"));
  }
  for (v1::Role r : rule.receiver_roles) {
    if (std::find(have.begin(), have.end(), r) != have.end()) return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("receiver_agency: '", receiver, "' is not ", rule.receiver_noun));
}

absl::Status CheckMaterials(const CreationRule& rule,
                            const google::protobuf::RepeatedPtrField<v1::Material>& materials) {
  std::vector<std::string> missing;
  for (v1::MaterialKind kind : rule.required_materials) {
    const bool present = std::any_of(materials.begin(), materials.end(),
                                     [kind](const v1::Material& m) { return m.kind() == kind; });
    if (!present) missing.push_back(v1::MaterialKind_Name(kind));
  }
  if (missing.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("materials: a ", rule.kind, " must carry ",
                                                 absl::StrJoin(missing, ", "), " (", rule.materials_rule, ")"));
}

std::vector<std::string> ForwardTransferLateNotes(const Settings& settings,
                                                  std::optional<absl::Time> report_time,
                                                  std::optional<absl::Time> approve_time,
                                                  absl::Time now, bool approved) {
  std::vector<std::string> notes;
  const v1::WorkflowConfig& cfg = settings.config;
  if (report_time && approve_time) {
    auto end = PeriodEnd(*report_time, cfg.approval_decision(), settings.tz, settings.calendar);
    if (end && *approve_time > *end) {
      notes.push_back(absl::StrCat(approved ? "approved" : "not approved (不批准移送)", " after the period (",
                                   cfg.approval_decision().citation(), ")"));
    }
  }
  if (approve_time && approved) {
    auto end = PeriodEnd(*approve_time, cfg.transfer_after_approval(), settings.tz, settings.calendar);
    if (end && now > *end) {
      notes.push_back(absl::StrCat("sent after the period (", cfg.transfer_after_approval().citation(), ")"));
    }
  }
  return notes;
}

}  // namespace caselink::workflow
