// The Prometheus text exposition format (version 0.0.4): # HELP and # TYPE
// lines per family, escaped label values, and numbers written so that
// counters stay exact. The one renderer of it: the server's /metrics and the
// CLI's `caselink admin stats` (from the GetStats answer) both use it, so
// scripts can read either. Pure functions.
//
// Example:
//   std::string text = prometheus::RenderText({{"x_total", "Calls.", "counter",
//                                                {{"x_total", {{"rpc", "Get"}}, 3}}}});
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace caselink::prometheus {

// The Content-Type a /metrics answer carries.
inline constexpr char kContentType[] = "text/plain; version=0.0.4; charset=utf-8";

using Labels = std::vector<std::pair<std::string, std::string>>;

// One exposed value: `name` is the sample name (for a histogram the family
// name plus _bucket, _sum or _count).
struct Sample {
  std::string name;
  Labels labels;
  double value = 0;
};

struct Family {
  std::string name;
  std::string help;
  std::string type;  // "counter", "gauge", "histogram"
  std::vector<Sample> samples;
};

// Integers up to 2^53 without exponent or fraction ("1234567"), others with
// the fewest significant digits (15 to 17) that read back exactly, and
// "+Inf", "-Inf", "NaN".
std::string FormatValue(double v);

// A label value with \, " and newline escaped as the format requires.
std::string EscapeLabelValue(const std::string& v);

// Labels in the order given.
std::string RenderText(const std::vector<Family>& families);

}  // namespace caselink::prometheus
