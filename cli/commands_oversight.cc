// The enforcement-supervision subcommands (OversightService,
// proto/caselink/v1/oversight.proto): the justice bureau's special campaigns
// (`campaign create|ls|show|draw|add-case|sample|review|reviews|summary`) and
// their rectification notices (`rectify create|report|accept|return|show|ls`).
// Mutating commands default their request_id to a digest of the request
// (command_rpc.h), so re-running the same command is idempotent (the server
// replays the first answer). `campaign summary` renders the summary report as
// a table, CSV or one offline HTML page (campaign_summary_render.h,
// campaign_summary_html.h).
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "caselink/pages.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "caselink/v1/oversight.pb.h"
#include "caselink_common/text_format_errors.h"
#include "campaign_summary_html.h"
#include "campaign_summary_render.h"
#include "command.h"
#include "report_output.h"
#include "command_args.h"
#include "command_rpc.h"
#include "enum_args.h"
#include "input.h"
#include "output.h"
#include "paging.h"

namespace caselink::cli {
namespace {

struct CampaignCreateArgs {
  std::string file;
  std::string request_id;
};

struct DrawArgs {
  std::string campaign_id;
  uint64_t seed = 0;
  int32_t per_stratum = 0;  // 0: not given
  int32_t fraction = 0;     // 0: not given
  std::string request_id;
};

struct AddCaseArgs {
  std::string campaign_id;
  std::string case_id;
  std::string reason;
  std::string request_id;
};

struct ReviewArgs {
  std::string campaign_id;
  std::string case_id;
  std::vector<std::string> scores;    // "criterion=score"
  std::vector<std::string> findings;  // "criterion|description|legal basis"
  std::string comment;
  std::string request_id;
};

struct ReviewsArgs {
  std::string campaign_id;
  std::string case_id;
  bool history = false;
};

struct SummaryArgs {
  std::string campaign_id;
  std::string format = "table";
  std::string out;
};

struct RectifyCreateArgs {
  std::string campaign_id;
  std::string to;
  std::vector<std::string> case_ids;
  std::string subject;
  std::string due;
  std::string document_number;
  std::vector<std::string> findings;   // finding ids
  std::vector<std::string> documents;  // draft ids
  std::string request_id;
};

struct StateArgs {
  std::string state;
};

// JSON when the file says so (.json) or starts with '{', else text format
// (.textproto, .txtpb, .pbtxt, ...).
bool LooksLikeJson(const std::string& path, const std::string& bytes) {
  const std::string lower = absl::AsciiStrToLower(path);
  if (absl::EndsWith(lower, ".json")) return true;
  for (const char* ext : {".textproto", ".txtpb", ".pbtxt", ".textpb", ".txt"}) {
    if (absl::EndsWith(lower, ext)) return false;
  }
  return absl::StartsWith(absl::StripLeadingAsciiWhitespace(bytes), "{");
}

// A caselink.v1.Campaign from the file `path` (text format or JSON).
// Errors: INVALID_ARGUMENT naming the file and the parse problem.
absl::StatusOr<v1::Campaign> ParseCampaign(const std::string& path, const std::string& bytes) {
  v1::Campaign campaign;
  if (LooksLikeJson(path, bytes)) {
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    auto status = google::protobuf::util::JsonStringToMessage(bytes, &campaign, options);
    if (!status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("\"", path, "\" is not a valid caselink.v1.Campaign in JSON: ",
                                                     std::string(status.message())));
    }
    return campaign;
  }
  TextFormatErrors errors(path);
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(bytes, &campaign)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", path, "\" is not a valid caselink.v1.Campaign in text format: ", absl::StrJoin(errors.errors, "; ")));
  }
  return campaign;
}

int RunCampaignCreate(const CommandContext& ctx, const CampaignCreateArgs& a) {
  // Input first: a bad file is reported even without certificates.
  absl::StatusOr<std::string> bytes = ReadWholeFile(a.file);
  if (!bytes.ok()) return ReportUsageError(bytes.status().message());
  absl::StatusOr<v1::Campaign> campaign = ParseCampaign(a.file, *bytes);
  if (!campaign.ok()) return ReportUsageError(campaign.status().message());
  v1::CreateCampaignRequest req;
  *req.mutable_campaign() = *std::move(campaign);
  SetRequestId(a.request_id, &req);
  return Run(ctx, [&](Client& c) { return c.CreateCampaign(req); });
}

int RunDraw(const CommandContext& ctx, const DrawArgs& a) {
  if ((a.per_stratum > 0) == (a.fraction > 0)) {
    return ReportUsageError("give exactly one of --per-stratum N (cases per stratum) or --fraction PCT (percent)");
  }
  v1::DrawSampleRequest req;
  req.set_campaign_id(a.campaign_id);
  req.set_seed(a.seed);
  req.set_size_per_stratum(a.per_stratum);
  req.set_fraction_percent(a.fraction);
  SetRequestId(a.request_id, &req);
  return Run(ctx, [&](Client& c) { return c.DrawSample(req); });
}

int RunAddCase(const CommandContext& ctx, const AddCaseArgs& a) {
  if (std::string e = BlankError("--reason", a.reason, "say why the case is added to the sample (it is kept)");
      !e.empty()) {
    return ReportUsageError(e);
  }
  v1::AddSampleCaseRequest req;
  req.set_campaign_id(a.campaign_id);
  req.set_case_id(a.case_id);
  req.set_reason(a.reason);
  SetRequestId(a.request_id, &req);
  return Run(ctx, [&](Client& c) { return c.AddSampleCase(req); });
}

// "law=9" -> {law, 9}; false with `error` set for anything else.
bool ParseScore(const std::string& spec, std::set<std::string>* seen, v1::Score* score, std::string* error) {
  std::vector<std::string> parts = absl::StrSplit(spec, absl::MaxSplits('=', 1));
  int32_t value = 0;
  if (parts.size() != 2 || absl::StripAsciiWhitespace(parts[0]).empty() ||
      !absl::SimpleAtoi(parts[1], &value) || value < 0 || value > 100) {
    *error = absl::StrCat("--score \"", spec, "\": expected CRITERION=SCORE, e.g. law=9 (a whole number 0-100)");
    return false;
  }
  const std::string id(absl::StripAsciiWhitespace(parts[0]));
  if (!seen->insert(id).second) {
    *error = absl::StrCat("--score: criterion \"", id, "\" is scored twice");
    return false;
  }
  score->set_criterion_id(id);
  score->set_score(value);
  return true;
}

// "criterion|description|legal basis" (the legal basis may be left out).
bool ParseFinding(const std::string& spec, v1::Finding* finding, std::string* error) {
  std::vector<std::string> parts = absl::StrSplit(spec, absl::MaxSplits('|', 2));
  if (parts.size() < 2 || absl::StripAsciiWhitespace(parts[0]).empty() ||
      absl::StripAsciiWhitespace(parts[1]).empty()) {
    *error = absl::StrCat("--finding \"", spec,
                          "\": expected 'CRITERION|DESCRIPTION|LEGAL BASIS', e.g. "
                          "'procedure|未告知陈述申辩权|行政处罚法 第四十四条'");
    return false;
  }
  finding->set_criterion_id(std::string(absl::StripAsciiWhitespace(parts[0])));
  finding->set_description(parts[1]);
  if (parts.size() > 2) finding->set_legal_basis(parts[2]);
  return true;
}

int RunReview(const CommandContext& ctx, const ReviewArgs& a) {
  v1::SubmitReviewRequest req;
  req.set_campaign_id(a.campaign_id);
  req.set_case_id(a.case_id);
  std::set<std::string> seen;
  for (const std::string& spec : a.scores) {
    if (std::string error; !ParseScore(spec, &seen, req.add_scores(), &error)) return ReportUsageError(error);
  }
  for (const std::string& spec : a.findings) {
    if (std::string error; !ParseFinding(spec, req.add_findings(), &error)) return ReportUsageError(error);
  }
  req.set_comment(a.comment);
  SetRequestId(a.request_id, &req);
  return Run(ctx, [&](Client& c) { return c.SubmitReview(req); });
}

int RunReviews(const CommandContext& ctx, const ReviewsArgs& a) {
  v1::ListReviewsRequest req;
  req.set_campaign_id(a.campaign_id);
  req.set_case_id(a.case_id);
  req.set_history(a.history);
  return Run(ctx, [&](Client& c) {
    return AllPages(req, [&](const v1::ListReviewsRequest& r) { return c.ListReviews(r); });
  });
}

// Writes `text` to `out`, or to stdout when `out` is empty.
int RunSummary(const CommandContext& ctx, const SummaryArgs& a) {
  if (!IsReportFormat(a.format)) {
    return ReportUsageError(absl::StrCat("unknown --format \"", a.format, "\"; ", kReportFormats));
  }
  auto client = ctx.Connect();
  if (!client.ok()) return ReportUsageError(client.status().message());
  v1::GetCampaignRequest req;
  req.set_campaign_id(a.campaign_id);
  absl::StatusOr<v1::CampaignSummary> s = (*client)->GetCampaignSummary(req);
  if (!s.ok()) return ReportRpcError(s.status());
  const v1::CampaignSummary& summary = *s;
  return EmitReport(summary, a.format, a.out,
                    {[&] { return RenderCampaignSummaryTable(summary); },
                     [&] { return RenderCampaignSummaryCsv(summary); },
                     [&] { return RenderCampaignSummaryHtml(summary); }},
                    "summary");
}

int RunRectifyCreate(const CommandContext& ctx, const RectifyCreateArgs& a) {
  if (std::string e = DayError("--due", a.due); !e.empty()) return ReportUsageError(e);
  if (std::string e = BlankError("--subject", a.subject, "say what is to be rectified"); !e.empty()) {
    return ReportUsageError(e);
  }
  v1::CreateRectificationRequest req;
  req.set_campaign_id(a.campaign_id);
  req.set_receiver_agency(a.to);
  for (const std::string& id : a.case_ids) req.add_case_ids(id);
  req.set_subject(a.subject);
  req.set_due_date(a.due);
  req.set_document_number(a.document_number);
  for (const std::string& id : a.findings) req.add_finding_refs(id);
  AddDocuments(a.documents, req.mutable_materials());
  SetRequestId(a.request_id, &req);
  return Run(ctx, [&](Client& c) { return c.CreateRectification(req); });
}

// --state of `rectify ls`: issued, rectified, closed, STATE_ISSUED, ...
int RunRectifyLs(const CommandContext& ctx, const StateArgs& a) {
  v1::ListItemsRequest req;
  if (!SetStateFilter(a.state, &req)) {
    return ReportUsageError(
        absl::StrCat("unknown --state \"", a.state, "\"; issued, objection-raised, rectified or closed"));
  }
  return Run(ctx, [&](Client& c) {
    return FetchAllPages<v1::ListItemsRequest, v1::ListRectificationsResponse>(
        req, [&](const v1::ListItemsRequest& r) { return c.ListRectifications(r); },
        [](v1::ListRectificationsResponse& r) { return r.mutable_rectifications(); });
  });
}

void AddCampaignCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* group = app.add_subcommand(
      "campaign", "Special enforcement-supervision campaigns (专项执法监督行动): sample, review, summary");
  group->require_subcommand(1);
  {
    auto args = std::make_shared<CampaignCreateArgs>();
    CLI::App* sub = group->add_subcommand("create", "Creates a campaign (justice bureau) from a file");
    sub->add_option("--file", args->file,
                    "A caselink.v1.Campaign in text format (.textproto) or JSON (.json): name, period, "
                    "agencies, team, checklist (criteria) and grade thresholds")
        ->required();
    sub->add_option("--request-id", args->request_id, kRequestIdHelp);
    sub->callback([&ctx, args] { ctx.SetAction([&ctx, args] { return RunCampaignCreate(ctx, *args); }); });
  }
  {
    CLI::App* sub =
        group->add_subcommand("ls", "Lists the campaigns you organise, are on the team of, or are inspected by");
    sub->callback([&ctx] {
      ctx.SetAction([&ctx] { return Run(ctx, [](Client& c) { return c.ListCampaigns(v1::ListCampaignsRequest()); }); });
    });
  }
  AddGetCommand(group, ctx, "show", "Reads a campaign", "The campaign id", [](Client& c, const std::string& id) {
    v1::GetCampaignRequest req;
    req.set_campaign_id(id);
    return c.GetCampaign(req);
  });
  {
    auto args = std::make_shared<DrawArgs>();
    CLI::App* sub = group->add_subcommand(
        "draw", "Draws the sample (organiser, once): per agency and domain, N cases or PCT percent");
    sub->add_option("ID", args->campaign_id, "The campaign id")->required();
    sub->add_option("--seed", args->seed, "The draw's seed (recorded: the draw can be reproduced); 0: the server picks")
        ->required();
    sub->add_option("--per-stratum", args->per_stratum, "Cases drawn per agency and domain (all when fewer)")
        ->check(CLI::Range(1, 10000));
    sub->add_option("--fraction", args->fraction, "Percent of each agency's cases per domain, rounded up")
        ->check(CLI::Range(1, 100));
    sub->add_option("--request-id", args->request_id, kRequestIdHelp);
    sub->callback([&ctx, args] { ctx.SetAction([&ctx, args] { return RunDraw(ctx, *args); }); });
  }
  {
    auto args = std::make_shared<AddCaseArgs>();
    CLI::App* sub = group->add_subcommand("add-case", "Adds a case of an inspected agency to the sample (team)");
    sub->add_option("ID", args->campaign_id, "The campaign id")->required();
    sub->add_option("CASE", args->case_id, "The case id")->required();
    sub->add_option("--reason", args->reason, "Why it is added (kept with the sample)")->required();
    sub->add_option("--request-id", args->request_id, kRequestIdHelp);
    sub->callback([&ctx, args] { ctx.SetAction([&ctx, args] { return RunAddCase(ctx, *args); }); });
  }
  AddGetCommand(group, ctx, "sample", "Shows the sample (an inspected agency: its own cases)", "The campaign id",
                [](Client& c, const std::string& id) {
                  v1::GetCampaignRequest req;
                  req.set_campaign_id(id);
                  return c.GetSample(req);
                });
  {
    auto args = std::make_shared<ReviewArgs>();
    CLI::App* sub = group->add_subcommand(
        "review",
        "Reviews a sampled case (team member): every criterion scored once; a second review is a new version");
    sub->add_option("ID", args->campaign_id, "The campaign id")->required();
    sub->add_option("CASE", args->case_id, "The sampled case")->required();
    sub->add_option("--score", args->scores, "CRITERION=SCORE, e.g. law=9 (one per criterion of the checklist)")
        ->required();
    sub->add_option("--finding", args->findings,
                    "A problem found, 'CRITERION|DESCRIPTION|LEGAL BASIS' (repeatable), e.g. "
                    "'procedure|未告知陈述申辩权|行政处罚法 第四十四条'");
    sub->add_option("--comment", args->comment, "The reviewer's overall comment");
    sub->add_option("--request-id", args->request_id, kRequestIdHelp);
    sub->callback([&ctx, args] { ctx.SetAction([&ctx, args] { return RunReview(ctx, *args); }); });
  }
  {
    auto args = std::make_shared<ReviewsArgs>();
    CLI::App* sub = group->add_subcommand("reviews", "Lists the latest reviews you may see");
    sub->add_option("ID", args->campaign_id, "The campaign id")->required();
    sub->add_option("--case", args->case_id, "Only the reviews of this case");
    sub->add_flag("--history", args->history, "Every version of each review, not only the latest");
    sub->callback([&ctx, args] { ctx.SetAction([&ctx, args] { return RunReviews(ctx, *args); }); });
  }
  {
    auto args = std::make_shared<SummaryArgs>();
    CLI::App* sub = group->add_subcommand("summary", "The campaign's summary report (专项行动总结报告)");
    sub->add_option("ID", args->campaign_id, "The campaign id")->required();
    sub->add_option("--format", args->format, "table (default), csv, html (one offline page) or json");
    sub->add_option("--out", args->out, "Write to this file instead of stdout");
    sub->callback([&ctx, args] { ctx.SetAction([&ctx, args] { return RunSummary(ctx, *args); }); });
  }
}

void AddRectifyCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* group =
      app.add_subcommand("rectify", "Rectification notices of a campaign (整改通知), followed to acceptance");
  group->require_subcommand(1);
  {
    auto args = std::make_shared<RectifyCreateArgs>();
    CLI::App* sub = group->add_subcommand("create", "Issues a rectification notice to an inspected agency (organiser)");
    sub->add_option("CAMPAIGN", args->campaign_id, "The campaign id")->required();
    sub->add_option("--to", args->to, "The agency that must rectify")->required();
    sub->add_option("--case", args->case_ids, "A sampled case of that agency (repeatable; at least one)")->required();
    sub->add_option("--subject", args->subject, "The problems and what must be rectified")->required();
    sub->add_option("--due", args->due, "Rectification due by this day, YYYY-MM-DD")->required();
    sub->add_option("--document-number", args->document_number, "文书号 of the notice");
    sub->add_option("--finding", args->findings, "A finding id of the reviews it answers (repeatable)");
    sub->add_option("--document", args->documents,
                    "One of your drafts by id (`caselink doc put draft FILE`), e.g. the notice itself (repeatable)");
    sub->add_option("--request-id", args->request_id, kRequestIdHelp);
    sub->callback([&ctx, args] { ctx.SetAction([&ctx, args] { return RunRectifyCreate(ctx, *args); }); });
  }
  const auto act = [](Client& c, const v1::WorkflowActionRequest& r) { return c.ActOnRectification(r); };
  AddItemAction(group, ctx,
                {"report", "Reports the rectification done (整改报告; the agency)", v1::ACTION_REPORT_RECTIFIED,
                 ItemAction::Reason::kRequired, "say what was rectified", true},
                act);
  AddItemAction(group, ctx,
                {"accept", "Accepts the rectification (验收; the issuer)", v1::ACTION_CONFIRM_RECTIFICATION,
                 ItemAction::Reason::kNone, "", false},
                act);
  AddItemAction(group, ctx,
                {"return", "Returns the rectification as insufficient (退回; the issuer)",
                 v1::ACTION_REJECT_RECTIFICATION, ItemAction::Reason::kRequired, "say what is still to be rectified",
                 false},
                act);
  // 行政执法监督条例 第三十条: the agency may object; the issuer reviews.
  AddItemAction(group, ctx,
                {"object", "Objects to the notice (异议; the agency)", v1::ACTION_OBJECT,
                 ItemAction::Reason::kRequired, "say why the notice is wrong", false},
                act);
  AddItemAction(group, ctx,
                {"uphold", "Upholds the notice after reviewing an objection (异议不成立; the issuer)",
                 v1::ACTION_UPHOLD_ON_REVIEW, ItemAction::Reason::kRequired, "say why the notice stands", false},
                act);
  AddItemAction(group, ctx,
                {"withdraw", "Withdraws the notice after reviewing an objection (撤回; the issuer)",
                 v1::ACTION_WITHDRAW_ON_REVIEW, ItemAction::Reason::kRequired, "say why it is withdrawn", false},
                act);
  AddGetCommand(group, ctx, "show", "Reads a notice and its complete history", "The notice id",
                [](Client& c, const std::string& id) {
                  v1::GetItemRequest req;
                  req.set_id(id);
                  return c.GetRectification(req);
                });
  {
    auto args = std::make_shared<StateArgs>();
    CLI::App* sub = group->add_subcommand("ls", "Lists the notices you issued or received (every page)");
    sub->add_option("--state", args->state, "Only this state: issued, objection-raised, rectified or closed");
    sub->callback([&ctx, args] { ctx.SetAction([&ctx, args] { return RunRectifyLs(ctx, *args); }); });
  }
}

}  // namespace

void AddOversightCommands(CLI::App& app, CommandContext& ctx) {
  AddCampaignCommands(app, ctx);
  AddRectifyCommands(app, ctx);
}

CASELINK_REGISTER_COMMANDS(AddOversightCommands);

}  // namespace caselink::cli
