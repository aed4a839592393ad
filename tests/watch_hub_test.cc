// WatchHub (server/watch_hub.h) on its own: the per-agency stream slots, the
// durable sequence and generation that Notify moves, and the waits that
// Notify and Close end — including from other threads.
#include "server/events/watch_hub.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace caselink::server {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

TEST(WatchHubTest, SlotsAreCountedPerAgencyAndRefusedBeyondTheLimit) {
  WatchHub hub;
  auto a1 = hub.Acquire("psb", 2);
  auto a2 = hub.Acquire("psb", 2);
  ASSERT_TRUE(a1.ok() && a2.ok());
  auto b1 = hub.Acquire("market", 2);
  ASSERT_TRUE(b1.ok());
  EXPECT_THAT(hub.OpenStreams(), ElementsAre(Pair("market", 1), Pair("psb", 2)));

  auto a3 = hub.Acquire("psb", 2);
  ASSERT_EQ(a3.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(a3.status().message(), HasSubstr("'psb'"));
  EXPECT_THAT(a3.status().message(), HasSubstr("limit 2"));
  // A refusal takes no slot.
  EXPECT_THAT(hub.OpenStreams(), ElementsAre(Pair("market", 1), Pair("psb", 2)));
}

TEST(WatchHubTest, DestroyingASlotReleasesItAndAgenciesWithNoneAreAbsent) {
  WatchHub hub;
  {
    auto a = hub.Acquire("psb", 1);
    ASSERT_TRUE(a.ok());
    EXPECT_FALSE(hub.Acquire("psb", 1).ok());
  }
  EXPECT_THAT(hub.OpenStreams(), IsEmpty());
  auto again = hub.Acquire("psb", 1);
  EXPECT_TRUE(again.ok()) << again.status();
}

TEST(WatchHubTest, AnAgencyRefusedEverySlotIsNotListedAsHoldingStreams) {
  WatchHub hub;
  EXPECT_EQ(hub.Acquire("psb", 0).status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(hub.OpenStreams(), IsEmpty());
}

TEST(WatchHubTest, NotifyKeepsTheHighestDurableSequenceAndChangesTheGeneration) {
  WatchHub hub;
  EXPECT_EQ(hub.durable_seq(), 0u);
  const uint64_t g0 = hub.generation();
  hub.Notify(10);
  EXPECT_EQ(hub.durable_seq(), 10u);
  const uint64_t g1 = hub.generation();
  EXPECT_NE(g1, g0);
  // A late, lower notification never moves the durable point back.
  hub.Notify(7);
  EXPECT_EQ(hub.durable_seq(), 10u);
  EXPECT_NE(hub.generation(), g1);
}

TEST(WatchHubTest, WaitChangeReturnsAtOnceIfTheGenerationAlreadyMoved) {
  WatchHub hub;
  const uint64_t seen = hub.generation();
  hub.Notify(1);
  const absl::Time start = absl::Now();
  hub.WaitChange(seen, absl::Seconds(30));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

TEST(WatchHubTest, WaitChangeTimesOutWithoutANotify) {
  WatchHub hub;
  const absl::Time start = absl::Now();
  hub.WaitChange(hub.generation(), absl::Milliseconds(100));
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(90));
}

TEST(WatchHubTest, NotifyFromAnotherThreadWakesAWaiter) {
  WatchHub hub;
  const uint64_t seen = hub.generation();
  std::thread notifier([&] {
    absl::SleepFor(absl::Milliseconds(50));
    hub.Notify(42);
  });
  const absl::Time start = absl::Now();
  hub.WaitChange(seen, absl::Seconds(30));
  notifier.join();
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  EXPECT_EQ(hub.durable_seq(), 42u);
}

TEST(WatchHubTest, CloseEndsEveryWaitAndStaysClosed) {
  WatchHub hub;
  EXPECT_FALSE(hub.closed());
  const uint64_t seen = hub.generation();
  std::atomic<int> woken{0};
  std::vector<std::thread> waiters;
  for (int i = 0; i < 4; ++i) {
    waiters.emplace_back([&] {
      hub.WaitChange(seen, absl::Seconds(30));
      ++woken;
    });
  }
  absl::SleepFor(absl::Milliseconds(50));
  const absl::Time start = absl::Now();
  hub.Close();
  for (auto& t : waiters) t.join();
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  EXPECT_EQ(woken.load(), 4);
  EXPECT_TRUE(hub.closed());
  // After Close, a wait does not block at all.
  const absl::Time again = absl::Now();
  hub.WaitChange(hub.generation(), absl::Seconds(30));
  EXPECT_LT(absl::Now() - again, absl::Seconds(5));
}

TEST(WatchHubTest, ConcurrentAcquireNeverExceedsTheLimit) {
  WatchHub hub;
  constexpr int kMax = 3;
  std::atomic<int> granted{0};
  std::vector<std::unique_ptr<WatchHub::Slot>> held[8];
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        auto s = hub.Acquire("psb", kMax);
        if (s.ok()) {
          ++granted;
          held[t].push_back(*std::move(s));
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(granted.load(), kMax);
  EXPECT_THAT(hub.OpenStreams(), ElementsAre(Pair("psb", kMax)));
  for (auto& h : held) h.clear();
  EXPECT_THAT(hub.OpenStreams(), IsEmpty());
}

}  // namespace
}  // namespace caselink::server
