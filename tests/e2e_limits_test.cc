// One agency's flood cannot starve the others. Over one connection HTTP/2
// holds the agency's calls to its in-flight limit (the server's
// MAX_CONCURRENT_STREAMS), so the rest wait in the client and none is
// refused; over several connections the calls beyond the limit are refused
// at once with RESOURCE_EXHAUSTED (naming the limit) and logged. Other
// agencies are served meanwhile; no slot leaks.
#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/test_district.h"

namespace caselink::testing {
namespace {

using ::testing::HasSubstr;

// A district whose agencies may have 2 calls in flight, and a read of one
// of market's cases that psb floods.
class LimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DistrictOptions o;
    o.max_calls_in_flight_per_agency = 2;
    auto d = TestDistrict::Start(o);
    ASSERT_TRUE(d.ok()) << d.status();
    district_ = *std::move(d);
    auto c = district_->As("market").SubmitCase(SampleCase());
    ASSERT_TRUE(c.ok());
    get_.set_case_id(c->case_().case_id());
    get_.set_purpose("flood");
  }

  std::unique_ptr<TestDistrict> district_;
  v1::GetCaseRequest get_;
};

TEST_F(LimitsTest, AFloodOverSeveralConnectionsIsRefusedWhileOthersAreServed) {
  TestDistrict& district = *district_;
  const v1::GetCaseRequest& get = get_;

  // Four connections of psb (four clients, each its own channel), four
  // callers on each: up to 8 calls reach the server, over the limit of 2.
  auto cert = district.AgencyCert("psb");
  ASSERT_TRUE(cert.ok()) << cert.status();
  std::vector<std::unique_ptr<Client>> connections;
  for (int i = 0; i < 4; ++i) {
    auto client = district.ClientWith(*cert, absl::Seconds(20));
    ASSERT_TRUE(client.ok()) << client.status();
    connections.push_back(*std::move(client));
  }
  std::atomic<int> ok{0}, exhausted{0}, other{0};
  std::string message;
  std::mutex mu;
  std::vector<std::thread> flood;
  for (int t = 0; t < 16; ++t) {
    flood.emplace_back([&, client = connections[t % 4].get()] {
      // Until a call is refused (how many reach the server at once is up to
      // timing), at most 500 calls a caller.
      for (int i = 0; i < 500 && (i < 10 || exhausted.load() == 0); ++i) {
        auto r = client->GetCase(get);
        if (r.ok()) ++ok;
        else if (r.status().code() == absl::StatusCode::kResourceExhausted) {
          ++exhausted;
          std::lock_guard<std::mutex> l(mu);
          message = std::string(r.status().message());
        } else ++other;
      }
    });
  }
  // Meanwhile another agency is served every time.
  int market_ok = 0;
  for (int i = 0; i < 20; ++i) market_ok += district.As("market").GetCase(get).ok() ? 1 : 0;
  for (auto& t : flood) t.join();
  EXPECT_EQ(market_ok, 20);
  EXPECT_GT(exhausted.load(), 0);
  EXPECT_GT(ok.load(), 0);
  EXPECT_EQ(other.load(), 0);
  EXPECT_THAT(message, HasSubstr("'psb'"));
  EXPECT_THAT(message, HasSubstr("max_calls_in_flight_per_agency"));
  // No slot leaked: once the flood is over, psb is served again.
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(district.As("psb").GetCase(get).ok());
}

TEST_F(LimitsTest, AFloodOverOneConnectionWaitsInTheClientAtTheLimitAndIsNeverRefused) {
  TestDistrict& district = *district_;
  const v1::GetCaseRequest& get = get_;
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> flood;
  for (int t = 0; t < 16; ++t) {
    flood.emplace_back([&] {
      for (int i = 0; i < 10; ++i) (district.As("psb").GetCase(get).ok() ? ok : failed)++;
    });
  }
  int market_ok = 0;
  for (int i = 0; i < 20; ++i) market_ok += district.As("market").GetCase(get).ok() ? 1 : 0;
  for (auto& t : flood) t.join();
  EXPECT_EQ(market_ok, 20);
  // Without the stream limit, 16 callers on one connection would exceed
  // the agency's 2 slots and be refused.
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(ok.load(), 160);
}

}  // namespace
}  // namespace caselink::testing
