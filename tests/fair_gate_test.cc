// server::FairGate: at most `permits` holders, free permits go round-robin by
// agency (a flooding agency cannot take every turn), and a holder that yields
// (as storage does before it blocks) frees its permit for good.
#include "server/core/fair_gate.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "storage/blocking_hook.h"

namespace caselink::server {
namespace {

using namespace std::chrono_literals;

TEST(FairGateTest, NeverMoreHoldersThanPermits) {
  FairGate gate(2);
  std::atomic<int> inside{0}, most{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 8; ++t) {
    ts.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        FairGate::Slot slot(&gate, t % 2 ? "psb" : "market");
        int now = ++inside;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        --inside;
      }
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_LE(most.load(), 2);
  EXPECT_EQ(gate.free_permits(), 2);
}

TEST(FairGateTest, TurnsAlternateBetweenAgenciesWhateverTheirQueues) {
  FairGate gate(1);
  std::mutex mu;
  std::vector<std::string> order;
  std::vector<std::thread> ts;
  {
    FairGate::Slot hold(&gate, "setup");  // everyone below queues behind this
    auto enqueue = [&](const std::string& agency) {
      ts.emplace_back([&, agency] {
        FairGate::Slot slot(&gate, agency);
        std::lock_guard<std::mutex> l(mu);
        order.push_back(agency);
      });
      std::this_thread::sleep_for(20ms);  // a fixed arrival order
    };
    for (int i = 0; i < 5; ++i) enqueue("psb");  // the flood arrives first
    enqueue("market");
    enqueue("market");
  }
  for (auto& t : ts) t.join();
  ASSERT_EQ(order.size(), 7u);
  // market's first call is served second, not after the five of psb.
  EXPECT_EQ(order[0], "psb");
  EXPECT_EQ(order[1], "market");
  EXPECT_EQ(order[2], "psb");
  EXPECT_EQ(order[3], "market");
}

TEST(FairGateTest, YieldBeforeBlockingFreesThePermit) {
  FairGate gate(1);
  storage::SetBeforeBlockingHook(&FairGate::YieldCurrent);
  std::atomic<bool> other_ran{false};
  {
    FairGate::Slot slot(&gate, "market");
    EXPECT_EQ(gate.free_permits(), 0);
    storage::BeforeBlocking();  // e.g. waiting for a group commit
    EXPECT_EQ(gate.free_permits(), 1);
    std::thread other([&] {
      FairGate::Slot s(&gate, "psb");
      other_ran = true;
    });
    other.join();  // would hang if the permit were still held
  }
  EXPECT_TRUE(other_ran);
  EXPECT_EQ(gate.free_permits(), 1);  // the slot's destructor gave nothing back twice
  storage::SetBeforeBlockingHook(nullptr);
}

// The point-read fast path (unary_call.cc) takes a turn only when one is
// free and nobody queues: it never jumps ahead of a waiting agency.
TEST(FairGateTest, IfFreeTakesOnlyAnUncontestedPermit) {
  FairGate gate(1);
  {
    FairGate::Slot first(&gate, "psb", FairGate::Slot::IfFree{});
    ASSERT_TRUE(first.held());
    EXPECT_EQ(gate.free_permits(), 0);
    FairGate::Slot none(&gate, "market", FairGate::Slot::IfFree{});  // same thread: already holds
    EXPECT_FALSE(none.held());
    std::thread other([&] {
      FairGate::Slot busy(&gate, "market", FairGate::Slot::IfFree{});
      EXPECT_FALSE(busy.held());  // no permit free: the caller queues instead
    });
    other.join();
  }
  EXPECT_EQ(gate.free_permits(), 1);

  // A permit is free but an agency waits for its turn: IfFree does not take it.
  std::atomic<bool> waiting_served{false};
  std::thread waiter;
  {
    FairGate::Slot hold(&gate, "psb");
    waiter = std::thread([&] {
      FairGate::Slot slot(&gate, "market");
      std::this_thread::sleep_for(100ms);  // holds the permit a while
      waiting_served = true;
    });
    std::this_thread::sleep_for(100ms);  // the waiter queues behind `hold`
  }
  // `hold` passed its permit straight to the waiter: nothing is free.
  FairGate::Slot late(&gate, "psb", FairGate::Slot::IfFree{});
  EXPECT_FALSE(late.held());
  waiter.join();
  EXPECT_TRUE(waiting_served.load());
  FairGate::Slot after(&gate, "psb", FairGate::Slot::IfFree{});
  EXPECT_TRUE(after.held());
}

}  // namespace
}  // namespace caselink::server
