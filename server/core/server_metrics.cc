#include "server/core/server_metrics.h"

#include <string>
#include <vector>

namespace caselink::server {

ServerMetrics::ServerMetrics() {
  requests_ = registry_.AddCounter("caselink_rpc_requests_total",
                                   "Calls answered, by RPC and gRPC status code.", {"rpc", "code"});
  // From 0.5 ms (a cached read) to 10 s (a deadline); synced writes sit
  // around 1-5 ms, so the buckets are densest there.
  latency_ = registry_.AddHistogram(
      "caselink_rpc_duration_seconds",
      "Time from the call's start on a worker to its answer (streams: the stream's life), by RPC "
      "and gRPC status code.",
      {"rpc", "code"},
      {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10});
  by_agency_ = registry_.AddCounter(
      "caselink_agency_requests_total",
      "Calls by the calling agency (\"-\": the caller was not identified).", {"agency"});
  denied_ = registry_.AddCounter(
      "caselink_denied_requests_total",
      "Calls refused by the enforcement path, by the rule that refused them.", {"rule"});
  inline_ = registry_.AddCounter(
      "caselink_point_reads_inline_total",
      "Point reads (methods declared caselink.v1.point_read) served on gRPC's thread because a CPU "
      "turn was free; the rest of the calls went through the worker pool, by RPC.",
      {"rpc"});
}

namespace {

// The code names, made once (absl::StatusCodeToString allocates per call).
const std::string& CodeName(absl::StatusCode code) {
  static const auto* names = [] {
    auto* v = new std::vector<std::string>();
    for (int c = 0; c <= 16; ++c) v->push_back(absl::StatusCodeToString(static_cast<absl::StatusCode>(c)));
    return v;
  }();
  const int c = static_cast<int>(code);
  static const std::string unknown = "UNKNOWN";
  return c >= 0 && c < static_cast<int>(names->size()) ? (*names)[c] : unknown;
}

}  // namespace

void ServerMetrics::RecordCall(const std::string& method, absl::StatusCode code,
                               const std::string& agency, const std::string& denied_by,
                               absl::Duration elapsed) {
  const std::string& code_name = CodeName(code);
  requests_->Get({method, code_name}).Inc();
  latency_->Get({method, code_name}).Observe(absl::ToDoubleSeconds(elapsed));
  by_agency_->Get({agency.empty() ? "-" : agency}).Inc();
  if (!denied_by.empty()) denied_->Get({denied_by}).Inc();
}

void ServerMetrics::RecordInline(const std::string& method) { inline_->Get({method}).Inc(); }

}  // namespace caselink::server
