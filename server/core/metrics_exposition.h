// The Prometheus text exposition format (version 0.0.4) of a registry
// snapshot: # HELP and # TYPE lines per family, escaped label values, and
// numbers written so that counters stay exact. Pure functions.
#pragma once

#include <string>
#include <vector>

#include "server/core/metrics_registry.h"

namespace caselink::server::metrics {

// The Content-Type a /metrics answer carries.
inline constexpr char kPrometheusContentType[] = "text/plain; version=0.0.4; charset=utf-8";

// Integers up to 2^53 without exponent or fraction ("1234567"), others with
// the fewest significant digits (15 to 17) that read back exactly, and "+Inf", "-Inf", "NaN".
std::string FormatValue(double v);

// A label value with \, " and newline escaped as the format requires.
std::string EscapeLabelValue(const std::string& v);

std::string RenderPrometheusText(const std::vector<FamilySnapshot>& families);

}  // namespace caselink::server::metrics
