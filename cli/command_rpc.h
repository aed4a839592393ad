// Helpers of the subcommands that make one RPC, shared by the command groups
// (commands_workflow.cc, commands_screening.cc, commands_oversight.cc, ...):
// the default request_id of a mutating command, connect-call-print, and the
// subcommands of the plain actions on a workflow item (rectification notices,
// decision items: an id, a reason, documents). Single-threaded, like the CLI.
//
// Example:
//   v1::DismissHitRequest req;
//   ...
//   SetRequestId(args.request_id, &req);  // "" -> a digest of the request
//   return Run(ctx, [&](Client& c) { return c.DismissHit(req); });
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "absl/strings/str_cat.h"
#include "caselink/client.h"
#include "caselink/request_id.h"
#include "caselink/v1/workflow.pb.h"
#include "command.h"
#include "command_args.h"
#include "output.h"

namespace caselink::cli {

// The request's own request_id (--request-id), or one derived from its
// content (caselink::DeriveRequestId): re-running the same command sends the
// same id, and the server replays its first answer instead of acting twice.
template <typename Request>
void SetRequestId(const std::string& given, Request* req) {
  req->set_request_id(given.empty() ? DeriveRequestId(*req) : given);
}

// An answer with `replayed: true` repeats what the server answered an
// earlier identical request (same content, so the same default request_id):
// nothing new was done. Said on stderr, because after the item moved on (a
// return, a reopen) the same text sent again is then a silent no-op.
inline void NoteReplay(const google::protobuf::Message& answer) {
  const google::protobuf::FieldDescriptor* f = answer.GetDescriptor()->FindFieldByName("replayed");
  if (f == nullptr || f->type() != google::protobuf::FieldDescriptor::TYPE_BOOL) return;
  if (!answer.GetReflection()->GetBool(answer, f)) return;
  std::fprintf(stderr,
               "note: the server replayed its answer to an earlier identical request; nothing new was done. "
               "To act again, pass --request-id (or change the text).\n");
}

// Connects, runs `call` (Client& -> absl::StatusOr<Message>), prints its
// answer in the chosen output format; returns the exit code (a connection
// problem is a usage error, a failed call an RPC error).
template <typename Call>
int Run(const CommandContext& ctx, Call call) {
  auto client = ctx.Connect();
  if (!client.ok()) return ReportUsageError(client.status().message());
  auto response = call(**client);
  if (!response.ok()) return ReportRpcError(response.status());
  PrintMessage(*response, ctx.globals.output);
  NoteReplay(*response);
  return kExitOk;
}

// The help of every --request-id option.
inline constexpr char kRequestIdHelp[] =
    "Idempotency key. Default: a digest of the request, so re-running is idempotent";

// A plain action on a workflow item, as a subcommand `NAME ID [--reason TEXT]
// [--document DOC_ID...] [--request-id ID]`.
struct ItemAction {
  enum class Reason { kNone, kOptional, kRequired };
  const char* name;  // e.g. "report"
  const char* help;
  v1::WorkflowAction action;
  Reason reason;
  const char* reason_help;  // what the reason says, e.g. "say what was rectified" (help, and the error when blank)
  bool documents;           // takes --document (uploaded documents of the item, by id)
};

// Adds `spec` to `group`: the command sends a WorkflowActionRequest through
// `act` (Client&, const v1::WorkflowActionRequest& -> absl::StatusOr<Response>)
// and prints the answer. A required reason that is blank is a usage error;
// the request_id defaults as SetRequestId.
template <typename Act>
void AddItemAction(CLI::App* group, CommandContext& ctx, const ItemAction& spec, Act act) {
  struct Args {
    std::string id;
    std::string reason;
    std::vector<std::string> documents;
    std::string request_id;
  };
  auto args = std::make_shared<Args>();
  CLI::App* sub = group->add_subcommand(spec.name, spec.help);
  sub->add_option("ID", args->id, "The item id")->required();
  if (spec.reason != ItemAction::Reason::kNone) {
    CLI::Option* reason =
        sub->add_option("--reason", args->reason, absl::StrCat("The reason: ", spec.reason_help));
    if (spec.reason == ItemAction::Reason::kRequired) reason->required();
  }
  if (spec.documents) {
    sub->add_option("--document", args->documents,
                    "A document of the item by id (repeatable), uploaded with `caselink doc put ID FILE`");
  }
  sub->add_option("--request-id", args->request_id, kRequestIdHelp);
  sub->callback([&ctx, args, spec, act] {
    ctx.SetAction([&ctx, args, spec, act] {
      if (spec.reason == ItemAction::Reason::kRequired) {
        if (std::string e = BlankError("--reason", args->reason, spec.reason_help); !e.empty()) {
          return ReportUsageError(e);
        }
      }
      v1::WorkflowActionRequest req;
      req.set_id(args->id);
      req.set_action(spec.action);
      req.set_reason(args->reason);
      AddDocuments(args->documents, req.mutable_materials());
      SetRequestId(args->request_id, &req);
      return Run(ctx, [&](Client& c) { return act(c, req); });
    });
  });
}

// Adds `name ID` to `group`: reads one thing by id through `get` (Client&,
// const std::string& id -> absl::StatusOr<Response>) and prints it.
template <typename Get>
void AddGetCommand(CLI::App* group, CommandContext& ctx, const char* name, const char* help, const char* id_help,
                   Get get) {
  auto id = std::make_shared<std::string>();
  CLI::App* sub = group->add_subcommand(name, help);
  sub->add_option("ID", *id, id_help)->required();
  sub->callback([&ctx, id, get] {
    ctx.SetAction([&ctx, id, get] { return Run(ctx, [&](Client& c) { return get(c, *id); }); });
  });
}

}  // namespace caselink::cli
