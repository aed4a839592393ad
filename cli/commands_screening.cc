// The screening subcommands (ScreeningService, docs/screening.md):
// `screening ls` lists the cases whose established facts meet a prosecution
// threshold (应移未移线索) that the caller may see, following every page;
// `screening dismiss` is the owning agency's answer to one, with a reason
// that is kept. `dismiss` defaults its request_id to a digest of the
// request, so re-running the same command is idempotent.
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "caselink/v1/case.pb.h"
#include "caselink/v1/screening.pb.h"
#include "command.h"
#include "command_rpc.h"  // SetRequestId
#include "enum_args.h"
#include "output.h"

namespace caselink::cli {
namespace {

struct LsArgs {
  std::string agency;
  std::string domain;
  std::string rule;
  std::vector<std::string> states;
  int32_t older_than_days = 0;
};

struct DismissArgs {
  std::string case_id;
  std::string rule_id;
  std::string reason;
  std::string request_id;
};

// "open", "HIT_OPEN", "Open" -> HIT_OPEN; the unspecified value is refused.
bool ParseHitState(const std::string& text, v1::HitState* state) {
  return ParseEnum<v1::HitState>("HIT_", text, &v1::HitState_Parse, state) &&
         *state != v1::HIT_STATE_UNSPECIFIED;
}

// HIT_OPEN -> "open": the word --state takes.
std::string HitStateArg(v1::HitState state) {
  if (state == v1::HIT_STATE_UNSPECIFIED) return "unspecified";
  return absl::AsciiStrToLower(absl::StripPrefix(v1::HitState_Name(state), "HIT_"));
}

std::string DomainChoices() {
  std::vector<std::string> names;
  for (int i = v1::Domain_MIN; i <= v1::Domain_MAX; ++i) {
    if (v1::Domain_IsValid(i) && i != v1::DOMAIN_UNSPECIFIED) {
      names.push_back(v1::Domain_Name(static_cast<v1::Domain>(i)));
    }
  }
  return absl::StrJoin(names, ", ");
}

// 6200000 fen -> "62000.00元" (exact: integer arithmetic).
std::string Yuan(int64_t fen) {
  const bool negative = fen < 0;
  const uint64_t abs = negative ? 0 - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
  return absl::StrFormat("%s%d.%02d元", negative ? "-" : "", abs / 100, abs % 100);
}

// A money fact (a CaseFacts *_fen field, or a sum of them): shown in 元.
bool IsMoney(const std::string& fact) {
  return absl::StrContains(fact, "_fen");
}

std::string Amount(const std::string& fact, int64_t v) {
  return IsMoney(fact) ? Yuan(v) : absl::StrCat(v);
}

// The value name of an enum fact (pollutant_group: POLLUTANT_...), else the number.
std::string EnumValue(const std::string& fact, int64_t v) {
  const auto* field = v1::CaseFacts::descriptor()->FindFieldByName(fact);
  if (field != nullptr && field->enum_type() != nullptr) {
    if (const auto* value = field->enum_type()->FindValueByNumber(static_cast<int>(v))) return value->name();
  }
  return absl::StrCat(v);
}

// A met figure whose value cannot be the one that met it: the caller's
// policy redacted the values (INTERNAL), and they read as 0.
bool ValueRedacted(const v1::MetFigure& f) {
  switch (f.comparison()) {
    case v1::AT_LEAST: return f.value() < f.figure();
    case v1::IS_TRUE: return f.value() != 1;
    case v1::IS: return f.value() != f.figure();
    default: return false;
  }
}

// "sales_amount_fen=62000.00元≥50000.00元", "months_unpaid=4≥3",
// "order_to_pay_ignored=true", "pollutant_group=POLLUTANT_PB_HG_CD_CR_AS_TL_SB";
// without the "=value" part when the values are redacted.
std::string FigureText(const v1::MetFigure& f, bool redacted) {
  const std::string value = redacted ? "" : absl::StrCat("=", Amount(f.fact(), f.value()));
  switch (f.comparison()) {
    case v1::AT_LEAST: return absl::StrCat(f.fact(), value, "≥", Amount(f.fact(), f.figure()));
    case v1::BELOW: return absl::StrCat(f.fact(), value, "<", Amount(f.fact(), f.figure()));
    case v1::IS_TRUE: return absl::StrCat(f.fact(), "=true");
    case v1::IS: return absl::StrCat(f.fact(), "=", EnumValue(f.fact(), f.figure()));
    default: return absl::StrCat(f.fact(), value, "?", Amount(f.fact(), f.figure()));
  }
}

// --output text: one line per hit, tab-separated:
//   case id, owner, rule, state (open, supervised, ...), threshold, figures
//   (", "-separated).
std::string HitLine(const v1::ScreeningHit& h) {
  bool redacted = false;
  for (const v1::MetFigure& f : h.figures()) redacted = redacted || ValueRedacted(f);
  std::vector<std::string> figures;
  for (const v1::MetFigure& f : h.figures()) figures.push_back(FigureText(f, redacted));
  return absl::StrJoin(std::vector<std::string>{h.case_id(), h.owner_agency(), h.rule_id(), HitStateArg(h.state()),
                                                absl::StrReplaceAll(h.threshold(), {{"\t", " "}, {"\n", " "}}),
                                                absl::StrJoin(figures, ", ")},
                       "\t");
}

int RunLs(const CommandContext& ctx, const LsArgs& a) {
  v1::ListHitsRequest req;
  req.set_owner_agency(a.agency);
  if (!a.domain.empty()) {
    v1::Domain domain;
    if (!ParseEnum<v1::Domain>("", a.domain, &v1::Domain_Parse, &domain) || domain == v1::DOMAIN_UNSPECIFIED) {
      return ReportUsageError(absl::StrCat("unknown --domain \"", a.domain, "\"; one of ", DomainChoices()));
    }
    req.set_domain(domain);
  }
  req.set_rule_id(a.rule);
  for (const std::string& s : a.states) {
    v1::HitState state;
    if (!ParseHitState(s, &state)) {
      return ReportUsageError(
          absl::StrCat("unknown --state \"", s, "\"; open, supervised, transferred or dismissed"));
    }
    req.add_states(state);
  }
  req.set_min_age_days(a.older_than_days);

  auto client = ctx.Connect();
  if (!client.ok()) return ReportUsageError(client.status().message());
  // Every page, gathered into one response.
  v1::ListHitsResponse all;
  for (;;) {
    auto page = (*client)->ListHits(req);
    if (!page.ok()) return ReportRpcError(page.status());
    for (v1::ScreeningHit& h : *page->mutable_hits()) *all.add_hits() = std::move(h);
    if (page->next_page_token().empty()) break;
    if (page->next_page_token() == req.page_token()) {
      return ReportRpcError(absl::InternalError("the server returned the same page token twice"));
    }
    req.set_page_token(page->next_page_token());
  }
  if (ctx.globals.output == OutputFormat::kText) {
    for (const v1::ScreeningHit& h : all.hits()) std::cout << HitLine(h) << "\n";
    std::cout.flush();
  } else {
    PrintMessage(all, ctx.globals.output);
  }
  return kExitOk;
}

int RunDismiss(const CommandContext& ctx, const DismissArgs& a) {
  if (absl::StripAsciiWhitespace(a.reason).empty()) {
    return ReportUsageError("--reason is empty; say why the facts do not call for a transfer (it is kept)");
  }
  v1::DismissHitRequest req;
  req.set_case_id(a.case_id);
  req.set_rule_id(a.rule_id);
  req.set_reason(a.reason);
  SetRequestId(a.request_id, &req);
  auto client = ctx.Connect();
  if (!client.ok()) return ReportUsageError(client.status().message());
  auto response = (*client)->DismissHit(req);
  if (!response.ok()) return ReportRpcError(response.status());
  if (ctx.globals.output == OutputFormat::kText) {
    std::cout << HitLine(response->hit()) << "\n";
    if (response->replayed()) std::cout << "replayed: true\n";
    std::cout.flush();
  } else {
    PrintMessage(*response, ctx.globals.output);
  }
  return kExitOk;
}

}  // namespace

void AddScreeningCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* group = app.add_subcommand(
      "screening", "Cases whose facts meet a prosecution threshold but were not transferred (应移未移线索)");
  group->require_subcommand(1);
  {
    auto args = std::make_shared<LsArgs>();
    CLI::App* sub = group->add_subcommand(
        "ls", "Lists the hits you may see, newest first (the procuratorate every agency's, an agency its own)");
    sub->add_option("--agency", args->agency, "Only the cases of this agency, e.g. market");
    sub->add_option("--domain", args->domain, absl::StrCat("Only this domain: ", DomainChoices()));
    sub->add_option("--rule", args->rule, "Only this rule, e.g. art140-fake-products");
    sub->add_option("--state", args->states,
                    "Only hits in this state: open, supervised, transferred or dismissed (repeatable)");
    sub->add_option("--older-than-days", args->older_than_days, "Only hits at least N days old")
        ->check(CLI::Range(0, 36500));
    sub->callback([&ctx, args] { ctx.SetAction([&ctx, args] { return RunLs(ctx, *args); }); });
  }
  {
    auto args = std::make_shared<DismissArgs>();
    CLI::App* sub = group->add_subcommand("dismiss", "Dismisses a hit of your own case, with the reason (kept)");
    sub->add_option("CASE_ID", args->case_id, "The case")->required();
    sub->add_option("RULE_ID", args->rule_id, "The rule it met, e.g. art140-fake-products")->required();
    sub->add_option("--reason", args->reason, "Why the facts do not call for a transfer")->required();
    sub->add_option("--request-id", args->request_id,
                    "Idempotency key. Default: a digest of the request, so re-running is idempotent");
    sub->callback([&ctx, args] { ctx.SetAction([&ctx, args] { return RunDismiss(ctx, *args); }); });
  }
}

CASELINK_REGISTER_COMMANDS(AddScreeningCommands);

}  // namespace caselink::cli
