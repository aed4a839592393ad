// The workflow subcommands (WorkflowService, EventService): `transfer ...`,
// `supervision ...`, `overdue` and `watch`. Mutating commands default their
// request_id to a digest of the request, so re-running the same command is
// idempotent (the server replays the first answer).
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "command.h"
#include "command_rpc.h"  // SetRequestId, Run
#include "enum_args.h"
#include "output.h"

namespace caselink::cli {
namespace {

// Options shared by the commands that change something.
struct ChangeArgs {
  std::string request_id;
  std::vector<std::string> materials;  // "title|reference"
  std::vector<std::string> documents;  // ids of uploaded documents
  std::string reason;
};

struct TransferCreateArgs : ChangeArgs {
  std::string direction = "forward";
  std::string to;
  std::string case_id;
  std::string subject;
  std::string not_approved;
};

struct SupervisionCreateArgs : ChangeArgs {
  std::string kind = "recommendation";
  std::string to;
  std::vector<std::string> case_ids;
  std::string subject;
  std::string document_number;
  bool urgent = false;
};

struct ActArgs : ChangeArgs {
  std::string id;
  std::string action;
  std::string linked_case;
  std::string reference;
  std::string adoption;
  std::string approver;
  std::string forward_to;
};

struct ItemArgs {
  std::string id;
  std::string state;
  int32_t page_size = 0;
  std::string page_token;
};

struct WatchArgs {
  uint64_t from_cursor = 0;
  std::string purpose = "两法衔接 event stream (caselink watch)";
  int max_events = 0;
  double seconds = 0;
};

// "[KIND:]title|reference": KIND is a MaterialKind (item-list,
// MATERIAL_ITEM_LIST, ...); without it the kind is read from the title.
bool AddMaterials(const ChangeArgs& args, google::protobuf::RepeatedPtrField<v1::Material>* out,
                  std::string* error) {
  // A document's kind, hash and name are filled by the server.
  for (const std::string& id : args.documents) out->Add()->set_document_id(id);
  for (const std::string& spec : args.materials) {
    std::string s = spec;
    v1::MaterialKind kind = v1::MATERIAL_KIND_UNSPECIFIED;
    const size_t colon = s.find(':');
    const size_t bar = s.find('|');
    if (colon != std::string::npos && (bar == std::string::npos || colon < bar)) {
      if (!ParseEnum<v1::MaterialKind>("MATERIAL_", s.substr(0, colon), &v1::MaterialKind_Parse, &kind)) {
        *error = absl::StrCat("--material \"", spec, "\": unknown kind \"", s.substr(0, colon),
                              "\" (e.g. transfer-letter, investigation-report, item-list, expert-report)");
        return false;
      }
      s = s.substr(colon + 1);
    }
    std::vector<std::string> parts = absl::StrSplit(s, absl::MaxSplits('|', 1));
    v1::Material* m = out->Add();
    m->set_title(parts[0]);
    if (parts.size() > 1) m->set_reference(parts[1]);
    m->set_kind(kind != v1::MATERIAL_KIND_UNSPECIFIED ? kind : KindFromTitle(parts[0]));
  }
  return true;
}

void AddChangeOptions(CLI::App* sub, ChangeArgs* args) {
  sub->add_option("--material", args->materials,
                  "An attached document as \"[kind:]title|reference\" (repeatable); the kind "
                  "(transfer-letter, investigation-report, item-list, expert-report, ...) is read "
                  "from the title's standard name (移送书, 调查报告, 涉案物品清单, ...) when not given");
  sub->add_option("--document", args->documents,
                  "An uploaded document by id (repeatable): one of the item's for an action, one of your "
                  "drafts (`caselink doc put draft FILE`) for a new item; its kind, hash and name are recorded");
  sub->add_option("--request-id", args->request_id,
                  "Idempotency key. Default: a digest of the request, so re-running is idempotent");
}

int RunTransferCreate(const CommandContext& ctx, const TransferCreateArgs& a) {
  v1::CreateTransferRequest req;
  v1::TransferDirection dir;
  if (!ParseEnum<v1::TransferDirection>("TRANSFER_", a.direction, &v1::TransferDirection_Parse, &dir)) {
    return ReportUsageError(absl::StrCat("unknown --direction \"", a.direction, "\"; forward or reverse"));
  }
  req.set_direction(dir);
  req.set_receiver_agency(a.to);
  req.set_case_id(a.case_id);
  req.set_subject(a.subject);
  req.set_not_approved_reason(a.not_approved);
  if (std::string error; !AddMaterials(a, req.mutable_materials(), &error)) {
    return ReportUsageError(error);
  }
  SetRequestId(a.request_id, &req);
  return Run(ctx, [&](Client& c) { return c.CreateTransfer(req); });
}

int RunSupervisionCreate(const CommandContext& ctx, const SupervisionCreateArgs& a) {
  v1::CreateSupervisionRequest req;
  v1::SupervisionKind kind;
  if (!ParseEnum<v1::SupervisionKind>("SUPERVISION_", a.kind, &v1::SupervisionKind_Parse, &kind)) {
    return ReportUsageError(absl::StrCat("unknown --kind \"", a.kind, "\"; recommendation, opinion or correction"));
  }
  req.set_kind(kind);
  req.set_receiver_agency(a.to);
  for (const auto& id : a.case_ids) req.add_case_ids(id);
  req.set_subject(a.subject);
  req.set_document_number(a.document_number);
  req.set_urgent(a.urgent);
  if (std::string error; !AddMaterials(a, req.mutable_materials(), &error)) {
    return ReportUsageError(error);
  }
  SetRequestId(a.request_id, &req);
  return Run(ctx, [&](Client& c) { return c.CreateSupervision(req); });
}

int RunAct(const CommandContext& ctx, const ActArgs& a, bool supervision) {
  v1::WorkflowActionRequest req;
  v1::WorkflowAction action;
  if (!ParseEnum<v1::WorkflowAction>("ACTION_", a.action, &v1::WorkflowAction_Parse, &action)) {
    return ReportUsageError(absl::StrCat("unknown action \"", a.action,
                                         "\"; e.g. accept, refuse, reply (see docs/workflow.md)"));
  }
  req.set_id(a.id);
  req.set_action(action);
  req.set_reason(a.reason);
  req.set_linked_case_id(a.linked_case);
  req.set_reference(a.reference);
  req.set_approver(a.approver);
  req.set_forward_to_agency(a.forward_to);
  if (!a.adoption.empty()) {
    v1::Adoption adoption;
    if (!ParseEnum<v1::Adoption>("", a.adoption, &v1::Adoption_Parse, &adoption) ||
        adoption == v1::ADOPTION_UNSPECIFIED) {
      return ReportUsageError(absl::StrCat("unknown --adoption \"", a.adoption,
                                           "\"; adopted, partly-adopted or not-adopted"));
    }
    req.set_adoption(adoption);
  }
  if (std::string error; !AddMaterials(a, req.mutable_materials(), &error)) {
    return ReportUsageError(error);
  }
  SetRequestId(a.request_id, &req);
  if (supervision) return Run(ctx, [&](Client& c) { return c.ActOnSupervision(req); });
  return Run(ctx, [&](Client& c) { return c.ActOnTransfer(req); });
}

int RunList(const CommandContext& ctx, const ItemArgs& a, bool supervision) {
  v1::ListItemsRequest req;
  if (!a.state.empty()) {
    v1::WorkflowState state;
    if (!ParseEnum<v1::WorkflowState>("STATE_", a.state, &v1::WorkflowState_Parse, &state)) {
      return ReportUsageError(absl::StrCat("unknown --state \"", a.state, "\""));
    }
    req.set_state(state);
  }
  req.set_page_size(a.page_size);
  req.set_page_token(a.page_token);
  if (supervision) return Run(ctx, [&](Client& c) { return c.ListSupervision(req); });
  return Run(ctx, [&](Client& c) { return c.ListTransfers(req); });
}

int RunWatch(const CommandContext& ctx, const WatchArgs& a) {
  auto client = ctx.Connect();
  if (!client.ok()) return ReportUsageError(client.status().message());
  WatchOptions o;
  o.from_cursor = a.from_cursor;
  o.purpose = a.purpose;
  WatchCanceller cancel;
  std::unique_ptr<std::thread> timer;
  if (a.seconds > 0) {
    timer = std::make_unique<std::thread>([&cancel, s = a.seconds] {
      const auto until = std::chrono::steady_clock::now() +
                         std::chrono::milliseconds(static_cast<int64_t>(s * 1000));
      while (!cancel.cancelled() && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      cancel.Cancel();
    });
  }
  int seen = 0;
  absl::Status s = (*client)->Watch(o, [&](const v1::Event& e) {
    PrintMessage(e, ctx.globals.output);
    return a.max_events <= 0 || ++seen < a.max_events;
  }, &cancel);
  cancel.Cancel();
  if (timer) timer->join();
  if (!s.ok() && !absl::IsCancelled(s)) return ReportRpcError(s);
  return kExitOk;
}

void AddItemCommands(CLI::App* group, CommandContext& ctx, bool supervision) {
  {
    auto args = std::make_shared<ActArgs>();
    CLI::App* sub = group->add_subcommand("act", "Takes an action (accept, refuse, reply, ...)");
    sub->add_option("ID", args->id, "The item id")->required();
    sub->add_option("ACTION", args->action, "e.g. accept, refuse, return-for-material, reply")->required();
    sub->add_option("--reason", args->reason, "Reasons / reply text (required by some actions)");
    sub->add_option("--linked-case", args->linked_case, "Your case the action links (reply-penalty)");
    sub->add_option("--reference", args->reference, "Your document number for the action");
    sub->add_option("--adoption", args->adoption,
                    "With a reply: adopted, partly-adopted or not-adopted (采纳情况)");
    sub->add_option("--approver", args->approver, "With extend-decision: who approved the extension");
    sub->add_option("--forward-to", args->forward_to,
                    "With forward-to-competent (转送): the police agency with jurisdiction, e.g. psb-traffic");
    AddChangeOptions(sub, args.get());
    sub->callback([&ctx, args, supervision] {
      ctx.SetAction([&ctx, args, supervision] { return RunAct(ctx, *args, supervision); });
    });
  }
  {
    auto args = std::make_shared<ItemArgs>();
    CLI::App* sub = group->add_subcommand("get", "Reads an item and its complete history");
    sub->add_option("ID", args->id, "The item id")->required();
    sub->callback([&ctx, args, supervision] {
      ctx.SetAction([&ctx, args, supervision] {
        v1::GetItemRequest req;
        req.set_id(args->id);
        if (supervision) return Run(ctx, [&](Client& c) { return c.GetSupervision(req); });
        return Run(ctx, [&](Client& c) { return c.GetTransfer(req); });
      });
    });
  }
  {
    auto args = std::make_shared<ItemArgs>();
    CLI::App* sub = group->add_subcommand("list", "Lists the items you are involved in");
    sub->add_option("--state", args->state, "Only this state, e.g. sent, refused");
    sub->add_option("--page-size", args->page_size, "1-500; default 50");
    sub->add_option("--page-token", args->page_token, "next_page_token of a previous page");
    sub->callback([&ctx, args, supervision] {
      ctx.SetAction([&ctx, args, supervision] { return RunList(ctx, *args, supervision); });
    });
  }
}

}  // namespace

void AddWorkflowCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* transfer = app.add_subcommand("transfer", "Case transfers (正向移送 / 反向衔接)");
  transfer->require_subcommand(1);
  {
    auto args = std::make_shared<TransferCreateArgs>();
    CLI::App* sub = transfer->add_subcommand("create", "Transfers a case (forward) or sends an opinion (reverse)");
    sub->add_option("--direction", args->direction, "forward (default) or reverse");
    sub->add_option("--to", args->to, "The receiving agency, e.g. psb (none with --not-approved)");
    sub->add_option("--case", args->case_id, "The case (required for forward)");
    sub->add_option("--subject", args->subject, "Suspected offence / procuratorial opinion")->required();
    sub->add_option("--not-approved", args->not_approved,
                    "Forward: the agency head decided not to transfer (不批准移送), for this reason; "
                    "recorded for the procuratorate, sent to no one");
    AddChangeOptions(sub, args.get());
    sub->callback([&ctx, args] { ctx.SetAction([&ctx, args] { return RunTransferCreate(ctx, *args); }); });
  }
  AddItemCommands(transfer, ctx, false);

  CLI::App* sup = app.add_subcommand("supervision", "Procuratorial supervision records (检察监督台账)");
  sup->require_subcommand(1);
  {
    auto args = std::make_shared<SupervisionCreateArgs>();
    CLI::App* sub = sup->add_subcommand("create", "Issues a recommendation, opinion or correction");
    sub->add_option("--kind", args->kind, "recommendation (default), opinion or correction");
    sub->add_option("--to", args->to, "The agency it is addressed to")->required();
    sub->add_option("--case", args->case_ids, "A case it concerns (repeatable)");
    sub->add_option("--subject", args->subject, "Its content")->required();
    sub->add_option("--document-number", args->document_number, "文书号");
    sub->add_flag("--urgent", args->urgent, "Urgent: the shorter reply period applies");
    AddChangeOptions(sub, args.get());
    sub->callback([&ctx, args] { ctx.SetAction([&ctx, args] { return RunSupervisionCreate(ctx, *args); }); });
  }
  AddItemCommands(sup, ctx, true);

  CLI::App* overdue = app.add_subcommand("overdue", "Lists your open items past their legal deadline");
  overdue->callback([&ctx] {
    ctx.SetAction([&ctx] { return Run(ctx, [](Client& c) { return c.ListOverdue(); }); });
  });

  auto wargs = std::make_shared<WatchArgs>();
  CLI::App* watch = app.add_subcommand("watch", "Prints the events addressed to you as they happen");
  watch->add_option("--from-cursor", wargs->from_cursor, "Resume after this cursor (default: from the start)");
  watch->add_option("--purpose", wargs->purpose, "查询事由 recorded with the stream");
  watch->add_option("--max-events", wargs->max_events, "Stop after this many events");
  watch->add_option("--seconds", wargs->seconds, "Stop after this many seconds");
  watch->callback([&ctx, wargs] { ctx.SetAction([&ctx, wargs] { return RunWatch(ctx, *wargs); }); });
}

CASELINK_REGISTER_COMMANDS(AddWorkflowCommands);

}  // namespace caselink::cli
