#include "stats_text.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "caselink_common/prometheus_text.h"

namespace caselink::cli {

std::string RenderStatsText(const v1::GetStatsResponse& stats) {
  std::vector<prometheus::Family> families;
  for (const v1::MetricFamily& f : stats.families()) {
    prometheus::Family family{f.name(), f.help(), f.type(), {}};
    for (const v1::MetricSample& s : f.samples()) {
      prometheus::Labels labels(s.labels().begin(), s.labels().end());
      // Proto maps are unordered: sort by name, "le" last, as /metrics does.
      std::sort(labels.begin(), labels.end(), [](const auto& a, const auto& b) {
        return std::make_pair(a.first == "le", a.first) < std::make_pair(b.first == "le", b.first);
      });
      family.samples.push_back({s.name(), std::move(labels), s.value()});
    }
    families.push_back(std::move(family));
  }
  return prometheus::RenderText(families);
}

}  // namespace caselink::cli
