// The audit subcommands. Offline, on a database directory or an export (no
// server, no certificate): `audit verify` checks the hash chain and the
// checkpoint signatures, `audit export` writes a range as JSON lines.
// Online (AuditService, supervising agencies only): `audit who-read`,
// `audit agency`, `audit party`. Format reference: docs/audit.md.
#include <cstdint>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "command.h"
#include "google/protobuf/util/time_util.h"
#include "input.h"
#include "output.h"
#include "storage/audit_store.h"
#include "storage/database.h"

namespace caselink::cli {
namespace {

using google::protobuf::util::TimeUtil;

// Exit code of `audit verify` when the log is not intact.
constexpr int kExitBroken = 3;

struct VerifyArgs {
  std::string db;
  std::string file;
  std::string public_key;
};

struct ExportArgs {
  std::string db;
  uint64_t from = 1;
  uint64_t to = 0;
  std::string out;
};

struct QueryArgs {
  std::string key;  // case id, agency id or party id
  std::string from;
  std::string to;
  int32_t limit = 0;
  std::string purpose;
};

int RunVerify(const CommandContext& ctx, const VerifyArgs& args) {
  if (args.db.empty() == args.file.empty()) return ReportUsageError("give exactly one of --db DIR or --file EXPORT.jsonl");
  std::string key_pem;
  if (!args.public_key.empty()) {
    auto k = ReadWholeFile(args.public_key);
    if (!k.ok()) return ReportUsageError(k.status().message());
    key_pem = *k;
  }
  absl::StatusOr<storage::AuditVerifyReport> report;
  if (!args.db.empty()) {
    auto db = storage::Database::OpenReadOnly(args.db);
    if (!db.ok()) return ReportUsageError(db.status().message());
    report = storage::VerifyAuditLog(**db, key_pem);
  } else {
    auto text = ReadWholeFile(args.file);
    if (!text.ok()) return ReportUsageError(text.status().message());
    report = storage::VerifyAuditExport(*text, key_pem);
  }
  if (!report.ok()) return ReportUsageError(report.status().message());
  std::cout << report->Summary() << std::endl;
  if (!report->ok()) {
    std::cerr << "caselink: audit log NOT intact: first broken seq " << report->seq << " ("
              << storage::AuditProblemName(report->problem) << ")" << std::endl;
    return kExitBroken;
  }
  (void)ctx;
  return kExitOk;
}

int RunExport(const ExportArgs& args) {
  auto db = storage::Database::OpenReadOnly(args.db);
  if (!db.ok()) return ReportUsageError(db.status().message());
  std::ofstream out(args.out, std::ios::binary | std::ios::trunc);
  if (!out) return ReportUsageError(absl::StrCat("cannot write ", args.out));
  auto n = storage::ExportAuditLog(**db, args.from, args.to, out);
  if (!n.ok()) return ReportUsageError(n.status().message());
  out.close();
  if (!out) return ReportUsageError(absl::StrCat("writing ", args.out, " failed"));
  std::cout << "exported " << *n << " entries to " << args.out << std::endl;
  return kExitOk;
}

std::string EntryLine(const v1::AuditEntry& e) {
  return absl::StrJoin(
      std::vector<std::string>{
          absl::StrCat("#", e.seq()), TimeUtil::ToString(e.time()),
          e.agency_id().empty() ? "-" : e.agency_id(), e.method().empty() ? "-" : e.method(),
          absl::StatusCodeToString(static_cast<absl::StatusCode>(e.status_code())),
          absl::StrCat("cases=", e.case_ids().empty() ? "-" : absl::StrJoin(e.case_ids(), ",")),
          e.requested_case_id().empty() ? "" : absl::StrCat("asked=", e.requested_case_id()),
          e.fields_masked().empty() ? "" : absl::StrCat("masked=", absl::StrJoin(e.fields_masked(), ",")),
          e.fields_withheld().empty() ? "" : absl::StrCat("withheld=", absl::StrJoin(e.fields_withheld(), ",")),
          e.purpose().empty() ? "" : absl::StrCat("purpose=", e.purpose()),
          e.item_id().empty() ? "" : absl::StrCat("item=", e.item_id()),
          // Summary entries of counted refusals, and operator actions.
          e.suppressed_calls() == 0 ? "" : absl::StrCat("suppressed=", e.suppressed_calls()),
          e.detail().empty() ? "" : absl::StrCat("detail=", e.detail())},
      "\t");
}

int Print(const CommandContext& ctx, const absl::StatusOr<v1::AuditQueryResponse>& r) {
  if (!r.ok()) return ReportRpcError(r.status());
  if (ctx.globals.output == OutputFormat::kText) {
    for (const v1::AuditEntry& e : r->entries()) std::cout << EntryLine(e) << "\n";
    if (r->truncated()) std::cout << "(more entries match; raise --limit)\n";
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
    req.set_purpose(args.purpose);
    return Print(ctx, (*client)->WhoRead(req));
  }
  if (what == "party") {
    v1::PartyAccessRequest req;
    req.set_party_id(args.key);
    req.set_limit(args.limit);
    req.set_purpose(args.purpose);
    return Print(ctx, (*client)->PartyAccess(req));
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
  return Print(ctx, (*client)->AgencyAccess(req));
}

void AddQuery(CLI::App* audit, CommandContext& ctx, const std::string& name, const std::string& help,
              const std::string& key_name, bool period) {
  auto args = std::make_shared<QueryArgs>();
  CLI::App* sub = audit->add_subcommand(name, help);
  sub->add_option(key_name, args->key)->required();
  if (period) {
    sub->add_option("--from", args->from, "Start of the period (RFC 3339), inclusive");
    sub->add_option("--to", args->to, "End of the period (RFC 3339), exclusive; default now");
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
  {
    auto args = std::make_shared<VerifyArgs>();
    CLI::App* sub = audit->add_subcommand(
        "verify", "Offline: checks the hash chain and checkpoint signatures; exit 3 and the first "
                  "broken seq if the log was altered");
    sub->add_option("--db", args->db, "A caselink database directory (opened read-only)");
    sub->add_option("--file", args->file, "An export made by `caselink audit export`");
    sub->add_option("--public-key", args->public_key,
                    "PEM public key the checkpoints must be signed with (the server's)");
    sub->callback([&ctx, args] { ctx.SetAction([&ctx, args] { return RunVerify(ctx, *args); }); });
  }
  {
    auto args = std::make_shared<ExportArgs>();
    CLI::App* sub = audit->add_subcommand("export", "Offline: writes entries and checkpoints as JSON lines");
    sub->add_option("--db", args->db, "A caselink database directory (opened read-only)")->required();
    sub->add_option("--from", args->from, "First seq (default 1)");
    sub->add_option("--to", args->to, "Last seq (default: the end)");
    sub->add_option("--out", args->out, "Output file")->required();
    sub->callback([&ctx, args] { ctx.SetAction([args] { return RunExport(*args); }); });
  }
  AddQuery(audit, ctx, "who-read", "Who read (or tried to read) a case", "CASE_ID", false);
  AddQuery(audit, ctx, "agency", "What an agency accessed in a period", "AGENCY", true);
  AddQuery(audit, ctx, "party", "Who accessed or searched a party id (身份证号/统一社会信用代码)", "PARTY_ID", false);
}

CASELINK_REGISTER_COMMANDS(AddAuditCommands);

}  // namespace caselink::cli
