// The audit subcommands, online (AuditService, supervising agencies only):
// `audit who-read`, `audit agency`, `audit party`. Checking and exporting the
// log offline, on the server host, is `caselink-admin audit verify|export`
// (server/tools/). Format reference: docs/audit.md.
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "command.h"
#include "input.h"
#include "google/protobuf/util/time_util.h"
#include "output.h"

namespace caselink::cli {
namespace {

using google::protobuf::util::TimeUtil;

struct QueryArgs {
  std::string key;  // case id, agency id or party id
  std::string from;
  std::string to;
  int32_t limit = 0;
  uint64_t after_seq = 0;
  std::string purpose;
};

// The cases the request named that the answer did not carry.
std::string AskedCases(const v1::AuditEntry& e) {
  std::vector<std::string> asked;
  if (!e.requested_case_id().empty()) asked.push_back(e.requested_case_id());
  asked.insert(asked.end(), e.requested_case_ids().begin(), e.requested_case_ids().end());
  return asked.empty() ? "" : absl::StrCat("asked=", absl::StrJoin(asked, ","));
}

std::string EntryLine(const v1::AuditEntry& e) {
  return absl::StrJoin(
      std::vector<std::string>{
          absl::StrCat("#", e.seq()), TimeUtil::ToString(e.time()),
          e.agency_id().empty() ? "-" : e.agency_id(), e.method().empty() ? "-" : e.method(),
          absl::StatusCodeToString(static_cast<absl::StatusCode>(e.status_code())),
          absl::StrCat("cases=", e.case_ids().empty() ? "-" : absl::StrJoin(e.case_ids(), ",")),
          AskedCases(e),
          e.fields_masked().empty() ? "" : absl::StrCat("masked=", absl::StrJoin(e.fields_masked(), ",")),
          e.fields_withheld().empty() ? "" : absl::StrCat("withheld=", absl::StrJoin(e.fields_withheld(), ",")),
          e.purpose().empty() ? "" : absl::StrCat("purpose=", e.purpose()),
          e.item_id().empty() ? "" : absl::StrCat("item=", e.item_id()),
          // Summary entries of counted refusals, and operator actions.
          e.suppressed_calls() == 0 ? "" : absl::StrCat("suppressed=", e.suppressed_calls()),
          e.detail().empty() ? "" : absl::StrCat("detail=", e.detail())},
      "\t");
}

// `by_seq`: the query pages by sequence number (who-read, party), else by
// time (agency).
int Print(const CommandContext& ctx, const absl::StatusOr<v1::AuditQueryResponse>& r, bool by_seq) {
  if (!r.ok()) return ReportRpcError(r.status());
  if (ctx.globals.output == OutputFormat::kText) {
    for (const v1::AuditEntry& e : r->entries()) std::cout << EntryLine(e) << "\n";
    if (r->truncated() && r->entries_size() > 0) {
      const v1::AuditEntry& last = r->entries(r->entries_size() - 1);
      std::cout << "(more entries match; next page: "
                << (by_seq ? absl::StrCat("--after-seq ", last.seq())
                           : absl::StrCat("--from ", TimeUtil::ToString(last.time())))
                << ")\n";
    }
    std::cout.flush();
  } else {
    PrintMessage(*r, ctx.globals.output);
  }
  return kExitOk;
}

bool ParseTime(const std::string& text, google::protobuf::Timestamp* t) {
  return text.empty() || TimeUtil::FromString(text, t);
}

int RunQuery(const CommandContext& ctx, const std::string& what, const QueryArgs& args) {
  auto client = ctx.Connect();
  if (!client.ok()) return ReportUsageError(client.status().message());
  if (what == "who-read") {
    v1::WhoReadRequest req;
    req.set_case_id(args.key);
    req.set_limit(args.limit);
    req.set_after_seq(args.after_seq);
    req.set_purpose(args.purpose);
    return Print(ctx, (*client)->WhoRead(req), true);
  }
  if (what == "party" || what == "party-name") {
    v1::PartyAccessRequest req;
    const bool by_name = what == "party-name";
    // "-": off the command line.
    absl::StatusOr<std::string> key = FlagValueOrStdin(by_name ? "NAME" : "PARTY_ID", args.key);
    if (!key.ok()) return ReportUsageError(key.status().message());
    if (by_name) {
      req.set_party_name(*key);
    } else {
      req.set_party_id(*key);
    }
    req.set_limit(args.limit);
    req.set_after_seq(args.after_seq);
    req.set_purpose(args.purpose);
    return Print(ctx, (*client)->PartyAccess(req), true);
  }
  v1::AgencyAccessRequest req;
  req.set_agency_id(args.key);
  req.set_limit(args.limit);
  req.set_purpose(args.purpose);
  if (!ParseTime(args.from, req.mutable_from()) || !ParseTime(args.to, req.mutable_to())) {
    return ReportUsageError("--from/--to: use RFC 3339, e.g. 2024-03-01T00:00:00+08:00");
  }
  if (args.from.empty()) req.clear_from();
  if (args.to.empty()) req.clear_to();
  return Print(ctx, (*client)->AgencyAccess(req), false);
}

void AddQuery(CLI::App* audit, CommandContext& ctx, const std::string& name, const std::string& help,
              const std::string& key_name, bool period) {
  auto args = std::make_shared<QueryArgs>();
  CLI::App* sub = audit->add_subcommand(name, help);
  sub->add_option(key_name, args->key)->required();
  if (period) {
    sub->add_option("--from", args->from, "Start of the period (RFC 3339), inclusive");
    sub->add_option("--to", args->to, "End of the period (RFC 3339), exclusive; default now");
  } else {
    sub->add_option("--after-seq", args->after_seq,
                    "Only entries after this sequence number (the last one a truncated answer showed)");
  }
  sub->add_option("--limit", args->limit, "At most this many entries (1-1000; default 100)")
      ->check(CLI::Range(0, 1000));
  sub->add_option("--purpose", args->purpose, "Why you ask (recorded in the access log)");
  sub->callback([&ctx, args, name] { ctx.SetAction([&ctx, args, name] { return RunQuery(ctx, name, *args); }); });
}

}  // namespace

void AddAuditCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* audit = app.add_subcommand("audit", "The tamper-evident access log (docs/audit.md)");
  audit->require_subcommand(1);
  AddQuery(audit, ctx, "who-read", "Who read (or tried to read) a case", "CASE_ID", false);
  AddQuery(audit, ctx, "agency", "What an agency accessed in a period", "AGENCY", true);
  AddQuery(audit, ctx, "party", "Who accessed or searched a party id (身份证号/统一社会信用代码; - reads it from stdin)", "PARTY_ID", false);
  AddQuery(audit, ctx, "party-name", "Who searched for a party by this name (search --party-name; - reads it from stdin)", "NAME", false);
}

CASELINK_REGISTER_COMMANDS(AddAuditCommands);

}  // namespace caselink::cli
