// The registry's snapshot in the Prometheus text exposition format: the
// renderer is common/prometheus_text.h (shared with the CLI); these names keep
// the server's spelling of it.
#pragma once

#include <string>
#include <vector>

#include "caselink_common/prometheus_text.h"
#include "server/core/metrics_registry.h"

namespace caselink::server::metrics {

inline constexpr const char* kPrometheusContentType = prometheus::kContentType;
using prometheus::EscapeLabelValue;
using prometheus::FormatValue;

inline std::string RenderPrometheusText(const std::vector<FamilySnapshot>& families) {
  return prometheus::RenderText(families);
}

}  // namespace caselink::server::metrics
