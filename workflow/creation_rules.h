// Who may open which workflow item, and to whom, as data beside the
// transition tables: one CreationRule per kind of item, and one generic check
// of sender and receiver against it. Also the 国务院令第310号 第五条 notes a
// forward transfer carries when it was approved or sent late. Pure;
// thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "caselink/v1/workflow.pb.h"
#include "workflow/actor.h"
#include "workflow/item_machine.h"

namespace caselink::workflow {

struct CreationRule {
  const char* kind;  // "forward transfer", for messages
  std::vector<v1::Role> sender_roles;    // the creator holds one of these
  const char* sender_refusal;            // PERMISSION_DENIED text, naming the rule
  std::vector<v1::Role> receiver_roles;  // the receiver holds one of these
  const char* receiver_noun;             // "a police agency"
  // Kinds of material the creation must carry, and the rule that says so.
  std::vector<v1::MaterialKind> required_materials = {};
  const char* materials_rule = "";
};

const CreationRule& ForwardTransferCreation();
const CreationRule& ReverseTransferCreation();
const CreationRule& SupervisionCreation();

// PERMISSION_DENIED (the rule's text) unless the actor holds a sender role.
absl::Status CheckSender(const CreationRule& rule, const Actor& actor);

// INVALID_ARGUMENT naming receiver_agency unless `receiver` is another agency
// of the district holding one of the rule's receiver roles.
absl::Status CheckReceiver(const CreationRule& rule, const Actor& actor, const std::string& receiver,
                           const AgencyDirectory& agencies);

// INVALID_ARGUMENT naming the missing kinds and the rule, unless `materials`
// hold every kind the rule requires.
absl::Status CheckMaterials(const CreationRule& rule,
                            const google::protobuf::RepeatedPtrField<v1::Material>& materials);

// The late notes of a forward transfer (国务院令第310号 第五条): approved more
// than the approval period after the report, or sent (`now`) more than the
// sending period after the approval. A transfer not approved (`approved`
// false) was decided at `approve_time` and sent never: only the first note
// applies, worded as a refusal.
std::vector<std::string> ForwardTransferLateNotes(const Settings& settings,
                                                  std::optional<absl::Time> report_time,
                                                  std::optional<absl::Time> approve_time,
                                                  absl::Time now, bool approved = true);

}  // namespace caselink::workflow
