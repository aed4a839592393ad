// One agency's flood cannot starve the others: calls beyond the per-agency
// in-flight limit are refused at once with RESOURCE_EXHAUSTED (naming the
// limit) and logged, while other agencies are served; no slot leaks.
#include <atomic>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/test_district.h"

namespace caselink::testing {
namespace {

using ::testing::HasSubstr;

TEST(LimitsTest, FloodFromOneAgencyIsRefusedWhileOthersAreServed) {
  DistrictOptions o;
  o.max_calls_in_flight_per_agency = 2;
  auto d = TestDistrict::Start(o);
  ASSERT_TRUE(d.ok()) << d.status();
  TestDistrict& district = **d;
  auto c = district.As("market").SubmitCase(SampleCase());
  ASSERT_TRUE(c.ok());
  v1::GetCaseRequest get;
  get.set_case_id(c->case_().case_id());
  get.set_purpose("flood");

  std::atomic<int> ok{0}, exhausted{0}, other{0};
  std::string message;
  std::mutex mu;
  std::vector<std::thread> flood;
  for (int t = 0; t < 16; ++t) {
    flood.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        auto r = district.As("psb").GetCase(get);
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

}  // namespace
}  // namespace caselink::testing
