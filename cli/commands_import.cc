// `caselink import ledger FILE`: loads a 行政处罚台账 CSV through SubmitCase.
// Bad rows are reported with line and reason and do not stop the good ones;
// each case's request_id is derived from its 案号, so running the same file
// again creates nothing twice. Several rows are in flight at once, so the
// server's group commit batches their synced writes.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "command.h"
#include "input.h"
#include "ledger_csv.h"
#include "output.h"
#include "request_id.h"

namespace caselink::cli {
namespace {

struct ImportArgs {
  std::string file;
  int concurrency = 16;
  bool dry_run = false;
};

// A one-line progress bar on a terminal; silent when stderr is a file.
class Progress {
 public:
  explicit Progress(size_t total) : total_(total), tty_(isatty(2)) {}
  void Update(size_t done) {
    if (!tty_) return;
    absl::Time now = absl::Now();
    if (done != total_ && now - last_ < absl::Milliseconds(100)) return;
    last_ = now;
    const int width = 30;
    int filled = total_ == 0 ? width : static_cast<int>(width * done / total_);
    std::fprintf(stderr, "\r[%s%s] %zu/%zu", std::string(filled, '#').c_str(),
                 std::string(width - filled, ' ').c_str(), done, total_);
    if (done == total_) std::fprintf(stderr, "\n");
  }

 private:
  size_t total_;
  bool tty_;
  absl::Time last_ = absl::InfinitePast();
};

int RunImportLedger(const CommandContext& ctx, const ImportArgs& args) {
  absl::StatusOr<std::string> bytes = ReadWholeFile(args.file);
  if (!bytes.ok()) return ReportUsageError(bytes.status().message());
  absl::StatusOr<Ledger> ledger = ParsePenaltyLedger(*bytes);
  if (!ledger.ok()) return ReportUsageError(absl::StrCat(args.file, ": ", ledger.status().message()));
  std::vector<LedgerProblem> problems = ledger->problems;
  size_t created = 0, replayed = 0;
  if (!args.dry_run) {
    auto client = ctx.Connect();
    if (!client.ok()) return ReportUsageError(client.status().message());
    std::atomic<size_t> next{0}, done{0};
    std::mutex mu;
    Progress progress(ledger->cases.size());
    std::vector<std::thread> workers;
    const int n = std::max(1, std::min(args.concurrency, 64));
    for (int w = 0; w < n; ++w) {
      workers.emplace_back([&] {
        for (size_t i = next++; i < ledger->cases.size(); i = next++) {
          const LedgerCase& lc = ledger->cases[i];
          v1::SubmitCaseRequest req;
          req.set_request_id(DeriveRequestId(absl::StrCat("ledger:", lc.reference), 0));
          *req.mutable_case_() = lc.content;
          auto r = (*client)->SubmitCase(req);
          std::lock_guard<std::mutex> l(mu);
          if (!r.ok()) {
            std::string why(r.status().message());
            if (r.status().code() == absl::StatusCode::kAlreadyExists) {
              why = absl::StrCat("案号 ", lc.reference,
                                 " was imported before with different content; submit a new "
                                 "version of that case instead");
            }
            problems.push_back({lc.line, absl::StrCat(absl::StatusCodeToString(r.status().code()), ": ", why)});
          } else if (r->replayed()) {
            ++replayed;
          } else {
            ++created;
          }
          progress.Update(++done);
        }
      });
    }
    for (auto& t : workers) t.join();
  }
  std::sort(problems.begin(), problems.end(),
            [](const LedgerProblem& a, const LedgerProblem& b) { return a.line < b.line; });
  for (const LedgerProblem& p : problems) {
    std::fprintf(stderr, "%s:%d: %s\n", args.file.c_str(), p.line, p.reason.c_str());
  }
  std::printf("%s: %zu case(s) read, %zu created, %zu already imported, %zu row(s) with problems%s\n",
              args.file.c_str(), ledger->cases.size(), created, replayed, problems.size(),
              args.dry_run ? " (dry run: nothing sent)" : "");
  return problems.empty() ? kExitOk : kExitRpcError;
}

void AddImportCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* imp = app.add_subcommand("import", "Import ledgers kept in spreadsheets (CSV)");
  imp->require_subcommand(1);
  auto args = std::make_shared<ImportArgs>();
  CLI::App* ledger = imp->add_subcommand(
      "ledger", "Import a 行政处罚台账 CSV (columns: docs/ledger-format.md); re-running is safe");
  ledger->add_option("FILE", args->file, "CSV file, UTF-8")->required();
  ledger->add_option("--concurrency", args->concurrency, "Rows in flight at once (1-64)");
  ledger->add_flag("--dry-run", args->dry_run, "Check the file only; send nothing");
  ledger->callback([&ctx, args] { ctx.SetAction([&ctx, args] { return RunImportLedger(ctx, *args); }); });
}

CASELINK_REGISTER_COMMANDS(AddImportCommands);

}  // namespace
}  // namespace caselink::cli
