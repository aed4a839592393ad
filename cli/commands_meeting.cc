// The meeting subcommands (MeetingService, proto/caselink/v1/meeting.proto):
// joint meetings and 会商 (`meeting create|ls|show`) and their decision items
// (议定事项: `decision create|progress|done|close|reopen|show|ls`), which the
// owner agency carries out by the due date and the convener closes.
// Mutating commands default their request_id to a digest of the request
// (command_rpc.h), so re-running the same command is idempotent.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "caselink/pages.h"
#include "caselink/v1/meeting.pb.h"
#include "command.h"
#include "command_args.h"
#include "command_rpc.h"
#include "enum_args.h"
#include "output.h"
#include "paging.h"

namespace caselink::cli {
namespace {

struct MeetingCreateArgs {
  std::string kind;
  std::string title;
  std::string date;
  std::vector<std::string> attendees;
  std::vector<std::string> case_ids;
  std::string summary;                 // TEXT or @FILE
  std::vector<std::string> documents;  // draft ids
  std::string request_id;
};

struct MeetingLsArgs {
  std::string from;
  std::string to;
};

struct DecisionCreateArgs {
  std::string meeting_id;
  std::string owner;
  std::string subject;
  std::string due;
  std::vector<std::string> case_ids;
  std::string request_id;
};

struct StateArgs {
  std::string state;
};

struct KindName {
  v1::MeetingKind kind;
  const char* arg;   // what --kind takes
  const char* name;  // its Chinese name, also accepted
};

constexpr KindName kKindNames[] = {
    {v1::MEETING_JOINT, "joint", "联席会议"},
    {v1::MEETING_BRIEFING, "briefing", "通报会"},
    {v1::MEETING_COORDINATION, "coordination", "协调会"},
    {v1::MEETING_SYMPOSIUM, "symposium", "座谈会"},
    {v1::MEETING_ANALYSIS, "analysis", "研判会"},
    {v1::MEETING_MAJOR_CASE_CONSULT, "major-case", "重大案件会商"},
};

// "joint", "联席会议", "MEETING_JOINT", "major-case-consult", ...; the
// unspecified value is refused.
bool ParseMeetingKind(const std::string& text, v1::MeetingKind* kind) {
  for (const KindName& k : kKindNames) {
    if (text == k.arg || text == k.name) {
      *kind = k.kind;
      return true;
    }
  }
  return ParseEnum<v1::MeetingKind>("MEETING_", text, &v1::MeetingKind_Parse, kind) &&
         *kind != v1::MEETING_KIND_UNSPECIFIED;
}

std::string MeetingKindChoices() {
  std::vector<std::string> out;
  for (const KindName& k : kKindNames) out.push_back(absl::StrCat(k.arg, " (", k.name, ")"));
  return absl::StrJoin(out, ", ");
}

int RunMeetingCreate(const CommandContext& ctx, const MeetingCreateArgs& a) {
  v1::CreateMeetingRequest req;
  v1::Meeting* m = req.mutable_meeting();
  v1::MeetingKind kind;
  if (!ParseMeetingKind(a.kind, &kind)) {
    return ReportUsageError(absl::StrCat("unknown --kind \"", a.kind, "\"; one of ", MeetingKindChoices()));
  }
  if (std::string e = DayError("--date", a.date); !e.empty()) return ReportUsageError(e);
  if (std::string e = BlankError("--title", a.title, "give the meeting's title"); !e.empty()) {
    return ReportUsageError(e);
  }
  absl::StatusOr<std::string> summary = TextOrFile("--summary", a.summary);
  if (!summary.ok()) return ReportUsageError(summary.status().message());
  m->set_kind(kind);
  m->set_title(a.title);
  m->set_date(a.date);
  for (const std::string& agency : a.attendees) m->add_attendees(agency);
  for (const std::string& id : a.case_ids) m->add_case_ids(id);
  m->set_summary(*summary);
  AddDocuments(a.documents, m->mutable_materials());
  SetRequestId(a.request_id, &req);
  return Run(ctx, [&](Client& c) { return c.CreateMeeting(req); });
}

int RunMeetingLs(const CommandContext& ctx, const MeetingLsArgs& a) {
  for (const auto& [flag, value] : {std::pair{"--from", &a.from}, std::pair{"--to", &a.to}}) {
    if (value->empty()) continue;
    if (std::string e = DayError(flag, *value); !e.empty()) return ReportUsageError(e);
  }
  v1::ListMeetingsRequest req;
  req.set_from_date(a.from);
  req.set_to_date(a.to);
  // Every page: the command lists the meetings of the dates asked.
  return Run(ctx, [&](Client& c) {
    return AllPages(req, [&](const v1::ListMeetingsRequest& r) { return c.ListMeetings(r); });
  });
}

int RunDecisionCreate(const CommandContext& ctx, const DecisionCreateArgs& a) {
  if (std::string e = DayError("--due", a.due); !e.empty()) return ReportUsageError(e);
  if (std::string e = BlankError("--subject", a.subject, "say what was decided"); !e.empty()) {
    return ReportUsageError(e);
  }
  v1::CreateDecisionRequest req;
  req.set_meeting_id(a.meeting_id);
  req.set_owner_agency(a.owner);
  req.set_subject(a.subject);
  req.set_due_date(a.due);
  for (const std::string& id : a.case_ids) req.add_case_ids(id);
  SetRequestId(a.request_id, &req);
  return Run(ctx, [&](Client& c) { return c.CreateDecision(req); });
}

int RunDecisionLs(const CommandContext& ctx, const StateArgs& a) {
  v1::ListItemsRequest req;
  if (!SetStateFilter(a.state, &req)) {
    return ReportUsageError(absl::StrCat("unknown --state \"", a.state, "\"; assigned, done-reported or closed"));
  }
  return Run(ctx, [&](Client& c) {
    return FetchAllPages<v1::ListItemsRequest, v1::ListDecisionsResponse>(
        req, [&](const v1::ListItemsRequest& r) { return c.ListDecisions(r); },
        [](v1::ListDecisionsResponse& r) { return r.mutable_decisions(); });
  });
}

void AddMeetingGroup(CLI::App& app, CommandContext& ctx) {
  CLI::App* group = app.add_subcommand("meeting", "Joint meetings and 会商 (联席会议, 通报会, 重大案件会商, ...)");
  group->require_subcommand(1);
  {
    auto args = std::make_shared<MeetingCreateArgs>();
    CLI::App* sub = group->add_subcommand("create", "Records a meeting you convened");
    sub->add_option("--kind", args->kind, absl::StrCat("One of ", MeetingKindChoices()))->required();
    sub->add_option("--title", args->title, "The meeting's title")->required();
    sub->add_option("--date", args->date, "The day it was held, YYYY-MM-DD")->required();
    sub->add_option("--attendee", args->attendees, "An attending agency (repeatable)");
    sub->add_option("--case", args->case_ids, "A case discussed (repeatable)");
    sub->add_option("--summary", args->summary,
                    "What was discussed and agreed: the text, or @FILE to read it from FILE (@- for stdin)");
    sub->add_option("--document", args->documents,
                    "One of your drafts by id (`caselink doc put draft FILE`), e.g. the 会议纪要 (repeatable)");
    sub->add_option("--request-id", args->request_id, kRequestIdHelp);
    sub->callback([&ctx, args] { ctx.SetAction([&ctx, args] { return RunMeetingCreate(ctx, *args); }); });
  }
  {
    auto args = std::make_shared<MeetingLsArgs>();
    CLI::App* sub = group->add_subcommand("ls", "Lists the meetings you may see, newest first");
    sub->add_option("--from", args->from, "Only meetings on or after this day, YYYY-MM-DD");
    sub->add_option("--to", args->to, "Only meetings before this day, YYYY-MM-DD");
    sub->callback([&ctx, args] { ctx.SetAction([&ctx, args] { return RunMeetingLs(ctx, *args); }); });
  }
  AddGetCommand(group, ctx, "show", "Reads a meeting and the decision items you may see", "The meeting id",
                [](Client& c, const std::string& id) {
                  v1::GetMeetingRequest req;
                  req.set_meeting_id(id);
                  return c.GetMeeting(req);
                });
}

void AddDecisionGroup(CLI::App& app, CommandContext& ctx) {
  CLI::App* group = app.add_subcommand("decision", "Decision items of meetings (议定事项), followed to closure");
  group->require_subcommand(1);
  {
    auto args = std::make_shared<DecisionCreateArgs>();
    CLI::App* sub = group->add_subcommand("create", "Assigns a decision item of your meeting to an agency (convener)");
    sub->add_option("MEETING", args->meeting_id, "The meeting id")->required();
    sub->add_option("--owner", args->owner, "The agency that carries it out")->required();
    sub->add_option("--subject", args->subject, "What was decided")->required();
    sub->add_option("--due", args->due, "Due by this day, YYYY-MM-DD")->required();
    sub->add_option("--case", args->case_ids, "A case it concerns (repeatable)");
    sub->add_option("--request-id", args->request_id, kRequestIdHelp);
    sub->callback([&ctx, args] { ctx.SetAction([&ctx, args] { return RunDecisionCreate(ctx, *args); }); });
  }
  const auto act = [](Client& c, const v1::WorkflowActionRequest& r) { return c.ActOnDecision(r); };
  using Reason = ItemAction::Reason;
  AddItemAction(group, ctx,
                {"progress", "Reports progress (the owner)", v1::ACTION_REPORT_PROGRESS, Reason::kRequired,
                 "say what has been done so far", false},
                act);
  AddItemAction(group, ctx,
                {"done", "Reports the item carried out (报告办结; the owner)", v1::ACTION_REPORT_DONE,
                 Reason::kRequired, "say how it was carried out", false},
                act);
  AddItemAction(group, ctx,
                {"close", "Closes the item (办结; the convener)", v1::ACTION_CLOSE, Reason::kOptional,
                 "why it is closed (optional)", false},
                act);
  AddItemAction(group, ctx,
                {"reopen", "Sends the item back to its owner (退回继续办理; the convener)", v1::ACTION_REOPEN,
                 Reason::kRequired, "say what is still to be done", false},
                act);
  AddGetCommand(group, ctx, "show", "Reads a decision item and its complete history", "The decision item id",
                [](Client& c, const std::string& id) {
                  v1::GetItemRequest req;
                  req.set_id(id);
                  return c.GetDecision(req);
                });
  {
    auto args = std::make_shared<StateArgs>();
    CLI::App* sub = group->add_subcommand("ls", "Lists the decision items you convened or own (every page)");
    sub->add_option("--state", args->state, "Only this state: assigned, done-reported or closed");
    sub->callback([&ctx, args] { ctx.SetAction([&ctx, args] { return RunDecisionLs(ctx, *args); }); });
  }
}

}  // namespace

void AddMeetingCommands(CLI::App& app, CommandContext& ctx) {
  AddMeetingGroup(app, ctx);
  AddDecisionGroup(app, ctx);
}

CASELINK_REGISTER_COMMANDS(AddMeetingCommands);

}  // namespace caselink::cli
