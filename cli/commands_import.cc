// `caselink import ledger FILE` loads a 行政处罚台账 CSV through SubmitCases
// (500 rows per call and per synced write);
// `caselink import supervision FILE` loads the procuratorate's 检察监督台账
// through CreateSupervision (the same path, checks and state machine as the
// RPC). Bad rows are reported with line and reason and do not stop the good
// ones; each row's request_id is derived from its key (案号, 文书号), so
// running the same file again creates nothing twice.
#include "absl/strings/str_cat.h"
#include "command.h"
#include "input.h"
#include "ledger_csv.h"
#include "ledger_import.h"
#include "output.h"
#include "caselink/request_id.h"
#include "supervision_ledger_csv.h"

namespace caselink::cli {
namespace {

// Reads and parses args.file with `parse`; a file that cannot be read or is
// not such a ledger at all is a usage error naming the file.
template <class Parsed>
absl::StatusOr<Parsed> LoadLedger(const ImportArgs& args, absl::StatusOr<Parsed> (*parse)(absl::string_view)) {
  absl::StatusOr<std::string> bytes = ReadWholeFile(args.file);
  if (!bytes.ok()) return bytes.status();
  absl::StatusOr<Parsed> parsed = parse(*bytes);
  if (!parsed.ok()) return absl::InvalidArgumentError(absl::StrCat(args.file, ": ", parsed.status().message()));
  return parsed;
}

int RunImportLedger(const CommandContext& ctx, const ImportArgs& args) {
  absl::StatusOr<Ledger> ledger = LoadLedger(args, &ParsePenaltyLedger);
  if (!ledger.ok()) return ReportUsageError(ledger.status().message());
  ImportRows rows{"case(s)", {}, ledger->problems};
  for (const LedgerCase& lc : ledger->entries) rows.lines.push_back(lc.line);
  // A page of rows per SubmitCases call: one synced write per page.
  rows.batch = 500;
  rows.send = [&](Client& client, size_t first, size_t count) {
    v1::SubmitCasesRequest req;
    for (size_t i = first; i < first + count; ++i) {
      const LedgerCase& lc = ledger->entries[i];
      v1::SubmitCaseRequest* item = req.add_items();
      item->set_request_id(DeriveRequestId(absl::StrCat("ledger:", lc.key), 0));
      *item->mutable_case_() = lc.content;
    }
    std::vector<absl::StatusOr<bool>> out;
    auto r = client.SubmitCases(std::move(req));
    for (size_t k = 0; k < count; ++k) {
      if (!r.ok()) {
        out.push_back(r.status());
      } else if (static_cast<int>(k) >= r->results_size()) {
        out.push_back(absl::InternalError("the server sent no result for this row"));
      } else if (const v1::SubmitCaseResult& res = r->results(static_cast<int>(k)); res.code() != 0) {
        out.push_back(absl::Status(static_cast<absl::StatusCode>(res.code()), res.message()));
      } else {
        out.push_back(res.replayed());
      }
    }
    return out;
  };
  rows.conflict = [&](size_t i) {
    return absl::StrCat("案号 ", ledger->entries[i].key,
                        " was imported before with different content; submit a new version of that case instead");
  };
  return SendLedgerRows(ctx, args, std::move(rows));
}

int RunImportSupervision(const CommandContext& ctx, const ImportArgs& args) {
  absl::StatusOr<SupervisionLedger> ledger = LoadLedger(args, &ParseSupervisionLedger);
  if (!ledger.ok()) return ReportUsageError(ledger.status().message());
  ImportRows rows{"item(s)", {}, ledger->problems};
  for (const SupervisionEntry& e : ledger->entries) rows.lines.push_back(e.line);
  rows.send = [&](Client& client, size_t i, size_t) -> std::vector<absl::StatusOr<bool>> {
    const SupervisionEntry& e = ledger->entries[i];
    // Keyed by 文书号 alone: a re-run finds the item it created, whatever
    // else changed in the file (a change is then reported, not duplicated).
    const std::string request_id = DeriveRequestId(absl::StrCat("supervision-ledger:", e.key), 0);
    if (e.content.reverse.has_value()) {
      v1::CreateTransferRequest req = *e.content.reverse;
      req.set_request_id(request_id);
      auto r = client.CreateTransfer(req);
      if (!r.ok()) return {r.status()};
      return {r->replayed()};
    }
    v1::CreateSupervisionRequest req = *e.content.record;
    req.set_request_id(request_id);
    auto r = client.CreateSupervision(req);
    if (!r.ok()) return {r.status()};
    return {r->replayed()};
  };
  rows.conflict = [&](size_t i) {
    return absl::StrCat("文书号 ", ledger->entries[i].key,
                        " was imported before with different content; act on that record instead "
                        "(caselink supervision act)");
  };
  return SendLedgerRows(ctx, args, std::move(rows));
}

void AddImportOptions(CLI::App* sub, ImportArgs* args) {
  sub->add_option("FILE", args->file, "CSV file, UTF-8")->required();
  sub->add_option("--concurrency", args->concurrency, "Rows in flight at once (1-64)");
  sub->add_flag("--dry-run", args->dry_run, "Check the file only; send nothing");
}

void AddImportCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* imp = app.add_subcommand("import", "Import ledgers kept in spreadsheets (CSV)");
  imp->require_subcommand(1);
  auto penalty = std::make_shared<ImportArgs>();
  CLI::App* ledger = imp->add_subcommand(
      "ledger", "Import a 行政处罚台账 CSV (columns: docs/ledger-format.md); re-running is safe");
  AddImportOptions(ledger, penalty.get());
  ledger->callback([&ctx, penalty] { ctx.SetAction([&ctx, penalty] { return RunImportLedger(ctx, *penalty); }); });
  auto supervision = std::make_shared<ImportArgs>();
  CLI::App* sup = imp->add_subcommand(
      "supervision",
      "Import the procuratorate's 检察监督台账 CSV (columns: docs/ledger-format.md); re-running is safe");
  AddImportOptions(sup, supervision.get());
  sup->callback([&ctx, supervision] {
    ctx.SetAction([&ctx, supervision] { return RunImportSupervision(ctx, *supervision); });
  });
}

CASELINK_REGISTER_COMMANDS(AddImportCommands);

}  // namespace
}  // namespace caselink::cli
