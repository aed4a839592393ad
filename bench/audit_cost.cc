// audit_cost: what the access log costs per request. In one run it starts two
// real in-process districts (TestDistrict: mTLS, example policy, RocksDB in a
// temp dir), one with the access log and one without (the benchmark-only
// ServerHooks switch), and times GetCase as psb (a masked read, one synced
// log append per call) at each concurrency, alternating the two servers.
//
//   audit_cost --seconds 3 --concurrency 1,16
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "districts.h"
#include "support/test_district.h"
#include "server/core/allocator_settings.h"

namespace {

using caselink::testing::TestDistrict;

struct Result {
  double ops_per_s = 0;
  double mean_us = 0;
};

// Runs `threads` clients doing GetCase for `seconds`; each has its own client.
Result Run(TestDistrict& d, const std::string& case_id, int threads, double seconds) {
  std::vector<std::unique_ptr<caselink::Client>> clients;
  for (int i = 0; i < threads; ++i) clients.push_back(std::move(*d.ClientWith(*d.AgencyCert("psb"))));
  caselink::v1::GetCaseRequest req;
  req.set_case_id(case_id);
  req.set_purpose("benchmark");
  for (auto& c : clients) (void)c->GetCase(req);  // connect, warm up
  std::atomic<long> ops{0}, errors{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> ts;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < threads; ++i) {
    ts.emplace_back([&, i] {
      while (!stop.load(std::memory_order_relaxed)) {
        if (clients[i]->GetCase(req).ok()) ++ops; else ++errors;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : ts) t.join();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (errors > 0) std::fprintf(stderr, "audit_cost: %ld failed calls\n", errors.load());
  Result r;
  r.ops_per_s = ops / elapsed;
  r.mean_us = ops > 0 ? elapsed * 1e6 * threads / ops : 0;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  caselink::server::ApplyAllocatorSettings();  // as caselinkd runs
  CLI::App app{"audit_cost: GetCase with and without the access log"};
  double seconds = 3;
  std::string conc = "1,16";
  int rounds = 2;
  app.add_option("--seconds", seconds, "Seconds per measurement");
  app.add_option("--concurrency", conc, "Comma-separated client thread counts");
  app.add_option("--rounds", rounds, "Alternating rounds (the best of each is reported)");
  CLI11_PARSE(app, argc, argv);

  auto on = caselink::bench::StartDistrict(/*access_log=*/true);
  auto off = caselink::bench::StartDistrict(/*access_log=*/false);
  if (!on.ok() || !off.ok()) {
    std::fprintf(stderr, "audit_cost: cannot start: %s %s\n", on.status().ToString().c_str(),
                 off.status().ToString().c_str());
    return 1;
  }
  auto id_on = caselink::bench::SubmitMarketCase(**on);
  auto id_off = caselink::bench::SubmitMarketCase(**off);
  if (!id_on.ok() || !id_off.ok()) {
    std::fprintf(stderr, "audit_cost: setup SubmitCase failed: %s %s\n", id_on.status().ToString().c_str(),
                 id_off.status().ToString().c_str());
    return 1;
  }

  std::printf("%-12s %-10s %12s %12s\n", "concurrency", "log", "GetCase/s", "mean_us");
  for (absl::string_view c : absl::StrSplit(conc, ',')) {
    int threads = 1;
    if (!absl::SimpleAtoi(c, &threads) || threads < 1) return 2;
    Result best_on, best_off;
    for (int r = 0; r < rounds; ++r) {
      Result a = Run(**off, *id_off, threads, seconds);
      Result b = Run(**on, *id_on, threads, seconds);
      if (a.ops_per_s > best_off.ops_per_s) best_off = a;
      if (b.ops_per_s > best_on.ops_per_s) best_on = b;
    }
    std::printf("%-12d %-10s %12.0f %12.1f\n", threads, "off", best_off.ops_per_s, best_off.mean_us);
    std::printf("%-12d %-10s %12.0f %12.1f\n", threads, "on", best_on.ops_per_s, best_on.mean_us);
    std::printf("%-12d %-10s %11.1f%% %+11.1f\n", threads, "cost",
                100.0 * (1 - best_on.ops_per_s / best_off.ops_per_s), best_on.mean_us - best_off.mean_us);
  }
  return 0;
}
