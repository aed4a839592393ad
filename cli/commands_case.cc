// The case subcommands: submit, get, list, versions, case mark-major (CaseService).
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "command.h"
#include "command_rpc.h"  // SetRequestId, Run, BlankError (mark-major)
#include "input.h"
#include "output.h"
#include "paging.h"
#include "caselink/request_id.h"

namespace caselink::cli {
namespace {

struct SubmitArgs {
  std::string file;
  int64_t expected_version = 0;
  std::string request_id;
};

struct GetArgs {
  std::string case_id;
  int64_t version = 0;
  std::string purpose;
  std::string ref;
};

struct ListArgs {
  int32_t page_size = 0;
  std::string page_token;
  std::string domain;
  std::string owner;
  std::string purpose;
  bool all = false;
};

struct MarkMajorArgs {
  std::string case_id;
  std::string reason;
  std::string purpose;
  bool unmark = false;
  std::string request_id;
};

struct VersionsArgs {
  std::string case_id;
  std::string purpose;
  std::string ref;
};

int RunSubmit(const CommandContext& ctx, const SubmitArgs& args) {
  // Input first: a bad file is reported even without certificates.
  absl::StatusOr<std::string> bytes = ReadWholeFile(args.file);
  if (!bytes.ok()) return ReportUsageError(bytes.status().message());
  absl::StatusOr<v1::Case> c = ParseCaseJson(args.file, *bytes);
  if (!c.ok()) return ReportUsageError(c.status().message());

  auto client = ctx.Connect();
  if (!client.ok()) return ReportUsageError(client.status().message());
  v1::SubmitCaseRequest request;
  request.set_request_id(args.request_id.empty()
                             ? DeriveRequestId(*bytes, args.expected_version)
                             : args.request_id);
  *request.mutable_case_() = *std::move(c);
  request.set_expected_version(args.expected_version);
  auto response = (*client)->SubmitCase(request);
  if (!response.ok()) return ReportRpcError(response.status());
  PrintMessage(*response, ctx.globals.output);
  return kExitOk;
}

int RunGet(const CommandContext& ctx, const GetArgs& args) {
  auto client = ctx.Connect();
  if (!client.ok()) return ReportUsageError(client.status().message());
  v1::GetCaseRequest request;
  request.set_case_id(args.case_id);
  request.set_version(args.version);
  request.set_purpose(args.purpose);
  request.set_purpose_case_ref(args.ref);
  auto response = (*client)->GetCase(request);
  if (!response.ok()) return ReportRpcError(response.status());
  PrintMessage(*response, ctx.globals.output);
  return kExitOk;
}

// Accepts a Domain by its enum name, in any case ("work_safety").
bool ParseDomain(const std::string& name, v1::Domain* domain) {
  return v1::Domain_Parse(absl::AsciiStrToUpper(name), domain);
}

std::string DomainNames() {
  std::vector<std::string> names;
  for (int i = v1::Domain_MIN; i <= v1::Domain_MAX; ++i) {
    if (v1::Domain_IsValid(i) && i != v1::DOMAIN_UNSPECIFIED) {
      names.push_back(v1::Domain_Name(static_cast<v1::Domain>(i)));
    }
  }
  return absl::StrJoin(names, ", ");
}

int RunList(const CommandContext& ctx, const ListArgs& args) {
  v1::ListCasesRequest request;
  if (!args.domain.empty()) {
    v1::Domain domain;
    if (!ParseDomain(args.domain, &domain)) {
      return ReportUsageError(absl::StrCat("unknown --domain \"", args.domain,
                                           "\"; one of ", DomainNames()));
    }
    request.set_domain(domain);
  }
  request.set_page_size(args.page_size);
  request.set_page_token(args.page_token);
  request.set_owner_agency(args.owner);
  request.set_purpose(args.purpose);

  auto client = ctx.Connect();
  if (!client.ok()) return ReportUsageError(client.status().message());
  auto page = (*client)->ListCases(request);
  if (!page.ok()) return ReportRpcError(page.status());
  if (!args.all) {
    PrintMessage(*page, ctx.globals.output);
    return kExitOk;
  }
  auto all = FetchAllPages<v1::ListCasesRequest, v1::ListCasesResponse>(
      request, [&](const v1::ListCasesRequest& r) { return (*client)->ListCases(r); });
  if (!all.ok()) return ReportRpcError(all.status());
  PrintMessage(*all, ctx.globals.output);
  return kExitOk;
}

int RunVersions(const CommandContext& ctx, const VersionsArgs& args) {
  auto client = ctx.Connect();
  if (!client.ok()) return ReportUsageError(client.status().message());
  v1::ListCaseVersionsRequest request;
  request.set_case_id(args.case_id);
  request.set_purpose(args.purpose);
  request.set_purpose_case_ref(args.ref);
  auto response = (*client)->ListCaseVersions(request);
  if (!response.ok()) return ReportRpcError(response.status());
  PrintMessage(*response, ctx.globals.output);
  return kExitOk;
}

// `case mark-major`: the government, the justice bureau or the procuratorate
// marks another agency's case major (重大案件), or takes the mark back.
int RunMarkMajor(const CommandContext& ctx, const MarkMajorArgs& args) {
  for (const std::string& e :
       {BlankError("--reason", args.reason, "say why the case is (no longer) major (it is kept)"),
        BlankError("--purpose", args.purpose, "give the 查询事由 recorded with the access")}) {
    if (!e.empty()) return ReportUsageError(e);
  }
  v1::MarkMajorRequest request;
  request.set_case_id(args.case_id);
  request.set_major(!args.unmark);
  request.set_reason(args.reason);
  request.set_purpose(args.purpose);
  SetRequestId(args.request_id, &request);
  return Run(ctx, [&](Client& c) { return c.MarkMajor(request); });
}

}  // namespace

void AddCaseCommands(CLI::App& app, CommandContext& ctx) {
  {
    auto args = std::make_shared<SubmitArgs>();
    CLI::App* sub = app.add_subcommand(
        "submit", "Creates a case, or a new version of one, from a JSON file");
    sub->add_option("FILE", args->file,
                    "A caselink.v1.Case as JSON (proto or camelCase names)")
        ->required();
    sub->add_option("--expected-version", args->expected_version,
                    "0 to create; else the latest version you read")
        ->check(CLI::NonNegativeNumber);
    sub->add_option(
        "--request-id", args->request_id,
        "Idempotency key. Default: hex SHA-256 of the file's bytes and the "
        "expected version, so re-running the same command is idempotent "
        "(the server replays the first answer)");
    sub->callback([&ctx, args] {
      ctx.SetAction([&ctx, args] { return RunSubmit(ctx, *args); });
    });
  }
  {
    auto args = std::make_shared<GetArgs>();
    CLI::App* sub = app.add_subcommand("get", "Reads a case");
    sub->add_option("CASE_ID", args->case_id, "The case id")->required();
    sub->add_option("--version", args->version, "0 (default) for the latest")
        ->check(CLI::NonNegativeNumber);
    sub->add_option("--purpose", args->purpose,
                    "Why you read it (required for other agencies' cases)");
    sub->add_option("--ref", args->ref, "Your own case reference it relates to");
    sub->callback([&ctx, args] {
      ctx.SetAction([&ctx, args] { return RunGet(ctx, *args); });
    });
  }
  {
    auto args = std::make_shared<ListArgs>();
    CLI::App* sub = app.add_subcommand("list", "Lists the cases you can see");
    sub->add_option("--page-size", args->page_size, "1-500; default 50")
        ->check(CLI::Range(0, 500));
    sub->add_option("--page-token", args->page_token,
                    "next_page_token of a previous page");
    sub->add_option("--domain", args->domain,
                    "Only this domain, e.g. WORK_SAFETY");
    sub->add_option("--owner", args->owner, "Only cases of this agency");
    sub->add_option("--purpose", args->purpose,
                    "Why you list (required to see other agencies' cases)");
    sub->add_flag("--all", args->all,
                  "Follow next_page_token and print every page as one list");
    sub->callback([&ctx, args] {
      ctx.SetAction([&ctx, args] { return RunList(ctx, *args); });
    });
  }
  {
    auto args = std::make_shared<VersionsArgs>();
    CLI::App* sub =
        app.add_subcommand("versions", "Lists every version of a case");
    sub->add_option("CASE_ID", args->case_id, "The case id")->required();
    sub->add_option("--purpose", args->purpose,
                    "Why you read it (required for other agencies' cases)");
    sub->add_option("--ref", args->ref, "Your own case reference it relates to");
    sub->callback([&ctx, args] {
      ctx.SetAction([&ctx, args] { return RunVersions(ctx, *args); });
    });
  }
  {
    auto args = std::make_shared<MarkMajorArgs>();
    CLI::App* group = app.add_subcommand("case", "Acting on a case you do not own");
    group->require_subcommand(1);
    CLI::App* sub = group->add_subcommand(
        "mark-major", "Marks a case major (重大案件; government, justice bureau, procuratorate); its owner is told");
    sub->add_option("CASE_ID", args->case_id, "The case id")->required();
    sub->add_option("--reason", args->reason, "Why it is (no longer) major (kept with the mark)")->required();
    sub->add_option("--purpose", args->purpose, "查询事由 recorded with the access (the case is another agency's)")
        ->required();
    sub->add_flag("--unmark", args->unmark, "Take the mark back instead");
    sub->add_option("--request-id", args->request_id, kRequestIdHelp);
    sub->callback([&ctx, args] {
      ctx.SetAction([&ctx, args] { return RunMarkMajor(ctx, *args); });
    });
  }
}

CASELINK_REGISTER_COMMANDS(AddCaseCommands);

}  // namespace caselink::cli
