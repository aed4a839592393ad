// The exposition format's rules for numbers and escaping, as the server's
// /metrics applies them (server/metrics_exposition.cc; the CLI links no
// server library, so it renders the GetStats answer itself).
#include "stats_text.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace caselink::cli {
namespace {

// Integers up to 2^53 exactly; others with the fewest significant digits
// (15 to 17) that read back as the same double.
std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 9007199254740992.0) return absl::StrCat(static_cast<int64_t>(v));
  char buf[32];
  for (int precision = 15; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

// HELP text escapes backslash and newline; label values also the quote.
std::string Escape(const std::string& v, bool quote) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '"' && quote) out += "\\\"";
    else out.push_back(c);
  }
  return out;
}

}  // namespace

std::string RenderStatsText(const v1::GetStatsResponse& stats) {
  std::string out;
  for (const v1::MetricFamily& f : stats.families()) {
    absl::StrAppend(&out, "# HELP ", f.name(), " ", Escape(f.help(), false), "\n");
    absl::StrAppend(&out, "# TYPE ", f.name(), " ", f.type(), "\n");
    for (const v1::MetricSample& s : f.samples()) {
      std::vector<std::pair<std::string, std::string>> labels(s.labels().begin(), s.labels().end());
      std::sort(labels.begin(), labels.end(), [](const auto& a, const auto& b) {
        return std::make_pair(a.first == "le", a.first) < std::make_pair(b.first == "le", b.first);
      });
      out += s.name();
      if (!labels.empty()) {
        out.push_back('{');
        for (size_t i = 0; i < labels.size(); ++i) {
          if (i > 0) out.push_back(',');
          absl::StrAppend(&out, labels[i].first, "=\"", Escape(labels[i].second, true), "\"");
        }
        out.push_back('}');
      }
      absl::StrAppend(&out, " ", FormatValue(s.value()), "\n");
    }
  }
  return out;
}

}  // namespace caselink::cli
