// storage::KeyLocks: callers sharing a key serialize, callers with disjoint
// keys do not wait for each other, and opposite lock orders never deadlock.
#include "storage/key_locks.h"

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace caselink::storage {
namespace {

TEST(KeyLocksTest, SameKeySerializes) {
  KeyLocks locks;
  int counter = 0;  // unsynchronized on purpose: only the lock protects it
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t) {
    ts.emplace_back([&] {
      for (int i = 0; i < 20000; ++i) {
        auto g = locks.Lock({"case-1"});
        ++counter;
      }
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(counter, 80000);
}

TEST(KeyLocksTest, DisjointKeysDoNotWait) {
  KeyLocks locks;
  auto held = locks.Lock(std::vector<std::string>{"a", "b", "c"});
  std::atomic<bool> got{false};
  std::thread other([&] {
    auto g = locks.Lock({"d", "e"});
    got = true;
  });
  other.join();  // would hang if "d","e" waited for "a","b","c"
  EXPECT_TRUE(got);
}

TEST(KeyLocksTest, SharedKeyWaitsUntilReleased) {
  KeyLocks locks;
  std::atomic<bool> got{false};
  std::thread other;
  {
    auto held = locks.Lock({"x", "y"});
    other = std::thread([&] {
      auto g = locks.Lock({"z", "y"});
      got = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(got) << "took a key that was held";
  }
  other.join();
  EXPECT_TRUE(got);
}

TEST(KeyLocksTest, OppositeOrdersNeverDeadlock) {
  KeyLocks locks;
  std::thread a([&] {
    for (int i = 0; i < 20000; ++i) auto g = locks.Lock({"p", "q"});
  });
  std::thread b([&] {
    for (int i = 0; i < 20000; ++i) auto g = locks.Lock({"q", "p"});
  });
  a.join();
  b.join();
}

}  // namespace
}  // namespace caselink::storage
