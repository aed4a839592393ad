#include "ledger_import.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "output.h"

namespace caselink::cli {
namespace {

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

}  // namespace

int SendLedgerRows(const CommandContext& ctx, const ImportArgs& args, ImportRows rows) {
  std::vector<LedgerProblem>& problems = rows.problems;
  const size_t total = rows.lines.size();
  size_t created = 0, replayed = 0;
  if (!args.dry_run) {
    auto client = ctx.Connect();
    if (!client.ok()) return ReportUsageError(client.status().message());
    std::atomic<size_t> next{0}, done{0};
    std::mutex mu;
    Progress progress(total);
    std::vector<std::thread> workers;
    const int n = std::max(1, std::min(args.concurrency, 64));
    const size_t batch = std::max<size_t>(1, rows.batch);
    for (int w = 0; w < n; ++w) {
      workers.emplace_back([&] {
        for (size_t first = next.fetch_add(batch); first < total; first = next.fetch_add(batch)) {
          const size_t count = std::min(batch, total - first);
          std::vector<absl::StatusOr<bool>> out = rows.send(**client, first, count);
          std::lock_guard<std::mutex> l(mu);
          for (size_t k = 0; k < count; ++k) {
            const size_t i = first + k;
            const absl::StatusOr<bool>& r =
                k < out.size() ? out[k] : absl::StatusOr<bool>(absl::InternalError("no answer for this row"));
            if (!r.ok()) {
              std::string why(r.status().message());
              if (r.status().code() == absl::StatusCode::kAlreadyExists) why = rows.conflict(i);
              problems.push_back({rows.lines[i], absl::StrCat(absl::StatusCodeToString(r.status().code()), ": ", why)});
            } else if (*r) {
              ++replayed;
            } else {
              ++created;
            }
          }
          done += count;
          progress.Update(done);
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
  std::printf("%s: %zu %s read, %zu created, %zu already imported, %zu row(s) with problems%s\n",
              args.file.c_str(), total, rows.noun, created, replayed, problems.size(),
              args.dry_run ? " (dry run: nothing sent)" : "");
  return problems.empty() ? kExitOk : kExitRpcError;
}

}  // namespace caselink::cli
