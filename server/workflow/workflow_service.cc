#include "server/workflow/workflow_service.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "caselink_common/proto_time.h"
#include "caselink_common/status_macros.h"
#include "server/core/request_validator.h"
#include "server/core/unary_call.h"
#include "server/workflow/document_materials.h"
#include "server/workflow/item_answers.h"
#include "server/workflow/named_case.h"
#include "server/workflow/workflow_actor.h"
#include "server/workflow/workflow_engine.h"
#include "workflow/creation_rules.h"

namespace caselink::server {
namespace {

const std::string kService = v1::WorkflowService::service_full_name();

// The materials of a new item: documents it names are the caller's drafts
// (document_materials.h), whose kind, hash and name fill the reference.
absl::StatusOr<Materials> CreationMaterials(const ServiceContext& sc, const CallScope& scope,
                                            const Materials& requested) {
  Materials materials = requested;
  for (int i = 0; i < materials.size(); ++i) {
    if (!v1::MaterialKind_IsValid(materials[i].kind())) {
      return absl::InvalidArgumentError(absl::StrCat("materials[", i, "].kind: is not a known MaterialKind"));
    }
  }
  CASELINK_RETURN_IF_ERROR(ResolveDraftMaterials(sc, scope.principal.agency_id, &materials));
  for (int i = 0; i < materials.size(); ++i) {
    if (materials[i].title().empty() && materials[i].reference().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("materials[", i, "]: needs a title, a reference or a document_id"));
    }
  }
  return materials;
}

// A document served later than it is entered would start its period in the
// future; one served long ago is fine (the ledger catches up). The range of
// the timestamp itself is checked by the generic field validator.
absl::Status CheckServiceTime(const google::protobuf::Timestamp& served, absl::Time now) {
  if (FromProtoTime(served) > now + absl::Minutes(5)) {
    return absl::InvalidArgumentError("service_time: lies in the future");
  }
  return absl::OkStatus();
}

// A case the request names: a forward transfer's is the sender's own; a
// reverse transfer's or a supervision record's one the caller's rules for
// this RPC select, since the item links it to its parties (named_case.h).
absl::Status CheckCase(const ServiceContext& sc, const CallScope& scope, const std::string& field,
                       const std::string& case_id, bool must_own) {
  return CheckNamedCase(sc, scope, field, case_id, must_own ? NamedCaseRule::kOwn : NamedCaseRule::kSelected,
                        "an agency transfers only its own cases");
}

}  // namespace

absl::Status WorkflowServiceImpl::DoCreateTransfer(const CallScope& scope,
                                                   const v1::CreateTransferRequest& req,
                                                   v1::TransferResponse* resp) {
  CASELINK_RETURN_IF_ERROR(ValidateRequestId("request_id", req.request_id()));
  CASELINK_ASSIGN_OR_RETURN(Materials materials, CreationMaterials(sc_, scope, req.materials()));
  if (req.subject().empty()) return absl::InvalidArgumentError("subject: is required");
  v1::Transfer draft;
  draft.set_direction(req.direction());
  draft.set_receiver_agency(req.receiver_agency());
  draft.set_subject(req.subject());
  *draft.mutable_materials() = materials;
  const absl::Time now = sc_.now();
  const workflow::Actor actor = ActorOf(scope);
  const PolicyDirectory agencies(scope);
  workflow::Entry entry;
  if (req.direction() == v1::TRANSFER_FORWARD) {
    const workflow::CreationRule& rule = workflow::ForwardTransferCreation();
    CASELINK_RETURN_IF_ERROR(workflow::CheckSender(rule, actor));
    // 不批准移送 (310号 第五条第二款): the head's refusal is recorded, and the
    // transfer goes to no police body and needs none of its materials.
    const bool approved = req.not_approved_reason().empty();
    if (approved) {
      CASELINK_RETURN_IF_ERROR(workflow::CheckReceiver(rule, actor, req.receiver_agency(), agencies));
    } else {
      if (!req.receiver_agency().empty()) {
        return absl::InvalidArgumentError(
            "receiver_agency: a transfer that was not approved is sent to no one (国务院令第310号 第五条); "
            "leave it empty");
      }
      if (req.has_approve_time()) {
        return absl::InvalidArgumentError(
            "approve_time: a transfer that was not approved has no approval; the decision is recorded now");
      }
      entry = {v1::STATE_NOT_APPROVED, req.not_approved_reason()};
    }
    if (req.case_id().empty()) return absl::InvalidArgumentError("case_id: is required for a forward transfer");
    if (approved) CASELINK_RETURN_IF_ERROR(workflow::CheckMaterials(rule, materials));
    CASELINK_RETURN_IF_ERROR(CheckCase(sc_, scope, "case_id", req.case_id(), true));
    auto time_of = [](bool has, const google::protobuf::Timestamp& ts) {
      return has ? std::optional<absl::Time>(FromProtoTime(ts)) : std::nullopt;
    };
    const std::optional<absl::Time> decided =
        approved ? time_of(req.has_approve_time(), req.approve_time()) : std::optional<absl::Time>(now);
    for (std::string& note : workflow::ForwardTransferLateNotes(
             *sc_.workflow->settings->Get(), time_of(req.has_report_time(), req.report_time()), decided, now,
             approved)) {
      draft.add_late_notes(std::move(note));
    }
    if (req.has_service_time()) {
      return absl::InvalidArgumentError("service_time: applies to reverse transfers only");
    }
    if (req.has_report_time()) *draft.mutable_report_time() = req.report_time();
    if (req.has_approve_time()) *draft.mutable_approve_time() = req.approve_time();
  } else if (req.direction() == v1::TRANSFER_REVERSE) {
    const workflow::CreationRule& rule = workflow::ReverseTransferCreation();
    CASELINK_RETURN_IF_ERROR(workflow::CheckSender(rule, actor));
    CASELINK_RETURN_IF_ERROR(workflow::CheckReceiver(rule, actor, req.receiver_agency(), agencies));
    if (!req.case_id().empty()) CASELINK_RETURN_IF_ERROR(CheckCase(sc_, scope, "case_id", req.case_id(), false));
    if (req.has_report_time() || req.has_approve_time()) {
      return absl::InvalidArgumentError("report_time, approve_time: apply to forward transfers only");
    }
    if (!req.not_approved_reason().empty()) {
      return absl::InvalidArgumentError("not_approved_reason: applies to forward transfers only");
    }
    if (req.has_service_time()) {
      CASELINK_RETURN_IF_ERROR(CheckServiceTime(req.service_time(), now));
      *draft.mutable_service_time() = req.service_time();
    }
  } else {
    return absl::InvalidArgumentError("direction: is required (TRANSFER_FORWARD or TRANSFER_REVERSE)");
  }
  if (!req.case_id().empty()) draft.add_case_ids(req.case_id());
  return AnswerOutcome(scope, CreateItem(sc_, scope, req, req.request_id(), std::move(draft), entry),
                       &v1::TransferResponse::mutable_transfer, resp);
}

absl::Status WorkflowServiceImpl::DoCreateSupervision(const CallScope& scope,
                                                      const v1::CreateSupervisionRequest& req,
                                                      v1::SupervisionResponse* resp) {
  CASELINK_RETURN_IF_ERROR(ValidateRequestId("request_id", req.request_id()));
  const workflow::Actor actor = ActorOf(scope);
  const workflow::CreationRule& rule = workflow::SupervisionCreation();
  CASELINK_RETURN_IF_ERROR(workflow::CheckSender(rule, actor));
  if (req.kind() == v1::SUPERVISION_KIND_UNSPECIFIED || !v1::SupervisionKind_IsValid(req.kind())) {
    return absl::InvalidArgumentError("kind: is required (SUPERVISION_RECOMMENDATION, _OPINION or _CORRECTION)");
  }
  if (req.subject().empty()) return absl::InvalidArgumentError("subject: is required");
  CASELINK_ASSIGN_OR_RETURN(Materials materials, CreationMaterials(sc_, scope, req.materials()));
  CASELINK_RETURN_IF_ERROR(
      workflow::CheckReceiver(rule, actor, req.receiver_agency(), PolicyDirectory(scope)));
  v1::SupervisionRecord draft;
  for (int i = 0; i < req.case_ids_size(); ++i) {
    CASELINK_RETURN_IF_ERROR(CheckCase(sc_, scope, absl::StrCat("case_ids[", i, "]"), req.case_ids(i), false));
    draft.add_case_ids(req.case_ids(i));
  }
  draft.set_kind(req.kind());
  draft.set_receiver_agency(req.receiver_agency());
  draft.set_subject(req.subject());
  *draft.mutable_materials() = std::move(materials);
  draft.set_document_number(req.document_number());
  draft.set_urgent(req.urgent());
  const absl::Time now = sc_.now();
  if (req.has_service_time()) CASELINK_RETURN_IF_ERROR(CheckServiceTime(req.service_time(), now));
  *draft.mutable_service_time() = req.has_service_time() ? req.service_time() : ToProtoTime(now);
  return AnswerOutcome(scope, CreateItem(sc_, scope, req, req.request_id(), std::move(draft)),
                       &v1::SupervisionResponse::mutable_record, resp);
}

absl::Status WorkflowServiceImpl::DoListOverdue(const CallScope& scope, const v1::ListOverdueRequest& req,
                                                v1::ListOverdueResponse* resp) {
  return ListOverdue(sc_, scope, req, resp);
}

WorkflowServiceImpl::WorkflowServiceImpl(const ServiceContext& sc) : RawService(sc), sc_(sc) {
  using W = WorkflowServiceImpl;
  Install(kService,
          {Unary("CreateTransfer", this, &W::DoCreateTransfer),
           Unary("ActOnTransfer", this, &W::DoActOnTransfer),
           Unary("GetTransfer", this, &W::DoGetTransfer),
           Unary("ListTransfers", this, &W::DoListTransfers),
           Unary("CreateSupervision", this, &W::DoCreateSupervision),
           Unary("ActOnSupervision", this, &W::DoActOnSupervision),
           Unary("GetSupervision", this, &W::DoGetSupervision),
           Unary("ListSupervision", this, &W::DoListSupervision),
           Unary("ListOverdue", this, &W::DoListOverdue)});
}

absl::Status WorkflowServiceImpl::DoActOnTransfer(const CallScope& s, const v1::WorkflowActionRequest& req,
                                                  v1::TransferResponse* resp) {
  return AnswerAction(sc_, s, req, &v1::TransferResponse::mutable_transfer, resp);
}

absl::Status WorkflowServiceImpl::DoGetTransfer(const CallScope& s, const v1::GetItemRequest& req,
                                                v1::GetTransferResponse* resp) {
  return AnswerGet(sc_, s, req.id(), &v1::GetTransferResponse::mutable_transfer, resp);
}

absl::Status WorkflowServiceImpl::DoListTransfers(const CallScope& s, const v1::ListItemsRequest& req,
                                                  v1::ListTransfersResponse* resp) {
  return AnswerList(sc_, s, req, &v1::ListTransfersResponse::mutable_transfers, resp);
}

absl::Status WorkflowServiceImpl::DoActOnSupervision(const CallScope& s, const v1::WorkflowActionRequest& req,
                                                     v1::SupervisionResponse* resp) {
  return AnswerAction(sc_, s, req, &v1::SupervisionResponse::mutable_record, resp);
}

absl::Status WorkflowServiceImpl::DoGetSupervision(const CallScope& s, const v1::GetItemRequest& req,
                                                   v1::GetSupervisionResponse* resp) {
  return AnswerGet(sc_, s, req.id(), &v1::GetSupervisionResponse::mutable_record, resp);
}

absl::Status WorkflowServiceImpl::DoListSupervision(const CallScope& s, const v1::ListItemsRequest& req,
                                                    v1::ListSupervisionResponse* resp) {
  return AnswerList(sc_, s, req, &v1::ListSupervisionResponse::mutable_records, resp);
}

}  // namespace caselink::server
