// Durable workflow transitions per second at 1 and at 32 concurrent clients,
// measured in the same run against a real TestDistrict (mTLS, RocksDB with
// synced group commit). Each transition is one acknowledged, durable commit
// (head + history + idempotency record + links + event). Not a test: run
//   build/tests/workflow_throughput [seconds_per_level]
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "spdlog/spdlog.h"
#include "support/test_district.h"

using namespace caselink;

namespace {

// One client's loop: create a forward transfer of a prepared case, then the
// police accept it: two durable transitions per iteration.
double Measure(testing::TestDistrict& d, int clients, absl::Duration length) {
  auto market_cert = d.AgencyCert("market");
  auto psb_cert = d.AgencyCert("psb");
  std::vector<std::unique_ptr<Client>> market, psb;
  std::vector<std::vector<std::string>> cases(clients);
  for (int i = 0; i < clients; ++i) {
    market.push_back(std::move(*d.ClientWith(*market_cert, absl::Seconds(30))));
    psb.push_back(std::move(*d.ClientWith(*psb_cert, absl::Seconds(30))));
    for (int k = 0; k < 4; ++k) {
      auto r = market.back()->SubmitCase(testing::SampleCase());
      if (!r.ok()) std::abort();
      cases[i].push_back(r->case_().case_id());
    }
  }
  std::atomic<int64_t> done{0}, failed{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  const absl::Time start = absl::Now();
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&, i] {
      for (size_t k = 0; !stop; ++k) {
        v1::CreateTransferRequest req;
        req.set_direction(v1::TRANSFER_FORWARD);
        caselink::testing::AddTransferMaterials(&req);
        req.set_receiver_agency("psb");
        req.set_case_id(cases[i][k % cases[i].size()]);  // a case may be transferred again
        req.set_subject("throughput");
        auto t = market[i]->CreateTransfer(req);
        if (!t.ok()) { ++failed; continue; }
        ++done;
        v1::WorkflowActionRequest a;
        a.set_id(t->transfer().id());
        a.set_action(v1::ACTION_ACCEPT);
        if (psb[i]->ActOnTransfer(a).ok()) ++done; else ++failed;
      }
    });
  }
  std::this_thread::sleep_for(absl::ToChronoNanoseconds(length));
  stop = true;
  for (auto& t : threads) t.join();
  const double secs = absl::ToDoubleSeconds(absl::Now() - start);
  std::printf("clients=%2d transitions=%lld failed=%lld seconds=%.2f transitions/s=%.0f\n", clients,
              static_cast<long long>(done.load()), static_cast<long long>(failed.load()), secs,
              done / secs);
  return done / secs;
}

}  // namespace

int main(int argc, char** argv) {
  const int seconds = argc > 1 ? std::atoi(argv[1]) : 5;
  auto d = testing::TestDistrict::Start();
  if (!d.ok()) {
    std::fprintf(stderr, "%s\n", d.status().ToString().c_str());
    return 1;
  }
  spdlog::set_level(spdlog::level::warn);
  Measure(**d, 1, absl::Seconds(seconds));
  Measure(**d, 32, absl::Seconds(seconds));
  return 0;
}
