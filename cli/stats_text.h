// `caselink admin stats` in the Prometheus text exposition format (0.0.4),
// rendered from the AdminService.GetStats answer: the same text as the
// server's /metrics endpoint, so scripts can read either. Labels are sorted
// by name with "le" last (proto maps are unordered). Pure function.
//
// Example:
//   std::cout << RenderStatsText(*client->GetStats());
#pragma once

#include <string>

#include "caselink/v1/admin.pb.h"

namespace caselink::cli {

std::string RenderStatsText(const v1::GetStatsResponse& stats);

}  // namespace caselink::cli
