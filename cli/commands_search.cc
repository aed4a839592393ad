// `caselink search`: SearchCases from the command line — find a person or
// company across agencies by 身份证号 / 统一社会信用代码 (with a purpose), by
// name, owner, domain, status, major flag or decision-date range.
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "command.h"
#include "input.h"
#include "output.h"
#include "paging.h"

namespace caselink::cli {
namespace {

struct SearchArgs {
  v1::SearchCasesRequest request;
  std::string domain, status;
  bool all = false;
};

// Reads an enum flag by its value name, in any case ("market_order").
template <typename E>
bool ParseEnumFlag(const std::string& flag, const std::string& text, E* out, std::string* error) {
  const auto* d = google::protobuf::GetEnumDescriptor<E>();
  const auto* v = d->FindValueByName(absl::AsciiStrToUpper(text));
  if (v == nullptr || v->number() == 0) {
    std::string names;
    for (int i = 1; i < d->value_count(); ++i) absl::StrAppend(&names, i > 1 ? ", " : "", d->value(i)->name());
    *error = absl::StrCat("unknown ", flag, " \"", text, "\"; one of ", names);
    return false;
  }
  *out = static_cast<E>(v->number());
  return true;
}

int RunSearch(const CommandContext& ctx, SearchArgs args) {
  std::string error;
  // "-": from stdin (one line each, --party-id's first), off the command line.
  absl::StatusOr<std::string> id = FlagValueOrStdin("--party-id", args.request.party_id());
  if (!id.ok()) return ReportUsageError(id.status().message());
  args.request.set_party_id(*id);
  absl::StatusOr<std::string> name = FlagValueOrStdin("--party-name", args.request.party_name());
  if (!name.ok()) return ReportUsageError(name.status().message());
  args.request.set_party_name(*name);
  if (!args.domain.empty()) {
    v1::Domain d;
    if (!ParseEnumFlag("--domain", args.domain, &d, &error)) return ReportUsageError(error);
    args.request.set_domain(d);
  }
  if (!args.status.empty()) {
    v1::CaseStatus s;
    if (!ParseEnumFlag("--status", args.status, &s, &error)) return ReportUsageError(error);
    args.request.set_status(s);
  }
  auto client = ctx.Connect();
  if (!client.ok()) return ReportUsageError(client.status().message());
  auto fetch = [&](const v1::SearchCasesRequest& r) { return (*client)->SearchCases(r); };
  auto result = args.all ? FetchAllPages<v1::SearchCasesRequest, v1::SearchCasesResponse>(args.request, fetch)
                         : fetch(args.request);
  if (!result.ok()) return ReportRpcError(result.status());
  PrintMessage(*result, ctx.globals.output);
  return kExitOk;
}

void AddSearchCommands(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<SearchArgs>();
  v1::SearchCasesRequest& r = args->request;
  CLI::App* s = app.add_subcommand("search", "Find cases across agencies (SearchCases)");
  s->add_option_function<std::string>("--party-id", [args](const std::string& v) { args->request.set_party_id(v); },
                                      "身份证号 or 统一社会信用代码 of a party (needs --purpose); - reads it from stdin");
  s->add_option_function<std::string>("--party-name", [args](const std::string& v) { args->request.set_party_name(v); },
                                      "Exact name of a party; - reads it from stdin");
  s->add_option_function<std::string>("--owner", [args](const std::string& v) { args->request.set_owner_agency(v); },
                                      "Owning agency id");
  s->add_option("--domain", args->domain, "Domain, e.g. MARKET_ORDER");
  s->add_option("--status", args->status, "Case status, e.g. DECIDED");
  s->add_flag_function("--major", [args](int64_t n) { args->request.set_major_only(n > 0); }, "Major cases only");
  s->add_option_function<std::string>("--from", [args](const std::string& v) { args->request.set_decided_from(v); },
                                      "Decision date from, YYYY-MM-DD");
  s->add_option_function<std::string>("--to", [args](const std::string& v) { args->request.set_decided_to(v); },
                                      "Decision date to, YYYY-MM-DD");
  s->add_option_function<std::string>("--purpose", [args](const std::string& v) { args->request.set_purpose(v); },
                                      "Why you search (查询事由); required with --party-id");
  s->add_option_function<std::string>("--ref", [args](const std::string& v) { args->request.set_purpose_case_ref(v); },
                                      "Your own case reference");
  s->add_option_function<int32_t>("--page-size", [args](int32_t v) { args->request.set_page_size(v); }, "1-500");
  s->add_option_function<std::string>("--page-token", [args](const std::string& v) { args->request.set_page_token(v); },
                                      "From a previous next_page_token");
  s->add_flag("--all", args->all, "Follow every page");
  (void)r;
  s->callback([&ctx, args] { ctx.SetAction([&ctx, args] { return RunSearch(ctx, *args); }); });
}

CASELINK_REGISTER_COMMANDS(AddSearchCommands);

}  // namespace
}  // namespace caselink::cli
