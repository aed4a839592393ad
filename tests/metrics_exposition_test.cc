// The metrics registry and its Prometheus text exposition: HELP/TYPE lines,
// escaped label values, cumulative histogram buckets with +Inf, _sum and
// _count, exact counter values, gauges computed at snapshot time, and
// counting from many threads at once.
#include <cstdio>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/core/metrics_exposition.h"
#include "server/core/metrics_registry.h"
#include "server/core/server_metrics.h"

namespace caselink::server::metrics {
namespace {

using ::testing::HasSubstr;

TEST(MetricsExpositionTest, CounterWithEscapedLabelsRendersExactly) {
  Registry r;
  auto* c = r.AddCounter("x_total", "Calls \\ with\nnewline.", {"rpc", "code"});
  c->Get({"a\"b\\c\nd", "OK"}).Inc(1234567);
  EXPECT_EQ(RenderPrometheusText(r.Snapshot()),
            "# HELP x_total Calls \\\\ with\\nnewline.\n"
            "# TYPE x_total counter\n"
            "x_total{rpc=\"a\\\"b\\\\c\\nd\",code=\"OK\"} 1234567\n");
}

TEST(MetricsExpositionTest, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Registry r;
  auto* h = r.AddHistogram("lat_seconds", "Latency.", {"rpc"}, {0.1, 1});
  Histogram& cell = h->Get({"A"});
  cell.Observe(0.05);
  cell.Observe(0.1);  // on the bound: counted in le="0.1"
  cell.Observe(0.5);
  cell.Observe(7);
  const std::string text = RenderPrometheusText(r.Snapshot());
  EXPECT_THAT(text, HasSubstr("# TYPE lat_seconds histogram\n"
                              "lat_seconds_bucket{rpc=\"A\",le=\"0.1\"} 2\n"
                              "lat_seconds_bucket{rpc=\"A\",le=\"1\"} 3\n"
                              "lat_seconds_bucket{rpc=\"A\",le=\"+Inf\"} 4\n"
                              "lat_seconds_sum{rpc=\"A\"} 7.65\n"
                              "lat_seconds_count{rpc=\"A\"} 4\n"));
}

TEST(MetricsExpositionTest, GaugesAreComputedAtEachSnapshot) {
  Registry r;
  double v = 1;
  r.AddGauge("g", "A gauge.", [&v] { return std::vector<std::pair<Labels, double>>{{{{"k", "x"}}, v}}; });
  EXPECT_THAT(RenderPrometheusText(r.Snapshot()), HasSubstr("g{k=\"x\"} 1\n"));
  v = 2.5;
  EXPECT_THAT(RenderPrometheusText(r.Snapshot()), HasSubstr("g{k=\"x\"} 2.5\n"));
}

TEST(MetricsExpositionTest, ValuesFormatForPrometheus) {
  EXPECT_EQ(FormatValue(0), "0");
  EXPECT_EQ(FormatValue(9007199254740991.0), "9007199254740991");
  EXPECT_EQ(FormatValue(1.0 / 0.0), "+Inf");
  EXPECT_EQ(FormatValue(-1.0 / 0.0), "-Inf");
  EXPECT_EQ(FormatValue(0.0 / 0.0), "NaN");
  EXPECT_EQ(FormatValue(0.25), "0.25");
}

TEST(MetricsExpositionTest, ConcurrentCountsAreNotLost) {
  Registry r;
  auto* c = r.AddCounter("c_total", "C.", {"agency"});
  auto* h = r.AddHistogram("h", "H.", {"agency"}, {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) {
        const std::string agency = (i + t) % 2 ? "a" : "b";
        c->Get({agency}).Inc();
        h->Get({agency}).Observe(0.5);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c->Get({"a"}).value() + c->Get({"b"}).value(), 80000u);
  EXPECT_EQ(h->Get({"a"}).CumulativeCounts().back() + h->Get({"b"}).CumulativeCounts().back(), 80000u);
  EXPECT_DOUBLE_EQ(h->Get({"a"}).sum() + h->Get({"b"}).sum(), 40000);
}

// What one call costs the enforcement path (printed, for docs/operations.md;
// asserted only loosely, as machines differ): four counters/histograms.
TEST(MetricsExpositionTest, RecordingACallIsCheap) {
  ServerMetrics m;
  constexpr int kCalls = 200000;
  const absl::Time start = absl::Now();
  for (int i = 0; i < kCalls; ++i) {
    m.RecordCall("caselink.v1.CaseService/GetCase", i % 7 ? absl::StatusCode::kOk : absl::StatusCode::kNotFound,
                 i % 2 ? "market" : "psb", i % 13 ? "" : "rpc_not_granted", absl::Microseconds(800));
  }
  const double ns = absl::ToDoubleNanoseconds(absl::Now() - start) / kCalls;
  std::printf("RecordCall: %.0f ns per call (single thread)\n", ns);
  EXPECT_LT(ns, 20000);
}

}  // namespace
}  // namespace caselink::server::metrics
