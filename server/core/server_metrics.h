// ServerMetrics: caselinkd's figures. Per call (recorded by the enforcement
// path, ConcludeCall and the Watch stream): requests and latency per RPC and
// status code, requests per agency, refusals per rule. Computed when scraped
// (server_gauges.h): open event streams, RocksDB sizes, the access log's
// head and last checkpoint, certificate expiry. Every metric is documented
// in docs/operations.md. Thread-safe.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/core/metrics_registry.h"

namespace caselink::server {

// Why the enforcement path refused a call: the label of
// caselink_denied_requests_total. Set on AccessRecord::denied_by.
namespace deny_rule {
inline constexpr char kNoClientCertificate[] = "no_client_certificate";
inline constexpr char kUnknownIdentity[] = "unknown_identity";
inline constexpr char kRevocation[] = "certificate_revocation";
inline constexpr char kRpcNotGranted[] = "rpc_not_granted";
inline constexpr char kPurposeRequired[] = "purpose_required";
inline constexpr char kFieldNotWritable[] = "field_not_writable";
inline constexpr char kCallsInFlight[] = "calls_in_flight_limit";
inline constexpr char kEventStreams[] = "event_streams_limit";
// The request bytes do not parse as the method's request message.
inline constexpr char kUndecodableRequest[] = "undecodable_request";
inline constexpr char kMaskedSearchLimit[] = "masked_search_limit";
}  // namespace deny_rule

class ServerMetrics {
 public:
  ServerMetrics();

  // One finished call. `agency` is empty when the caller was not admitted;
  // `denied_by` is empty unless the enforcement path refused the call.
  void RecordCall(const std::string& method, absl::StatusCode code, const std::string& agency,
                  const std::string& denied_by, absl::Duration elapsed);

  // A point read served on gRPC's thread, without the worker pool's
  // hand-off (unary_call.cc).
  void RecordInline(const std::string& method);

  metrics::Registry& registry() { return registry_; }

 private:
  metrics::Registry registry_;
  metrics::Family<metrics::Counter>* requests_;
  metrics::Family<metrics::Histogram>* latency_;
  metrics::Family<metrics::Counter>* by_agency_;
  metrics::Family<metrics::Counter>* denied_;
  metrics::Family<metrics::Counter>* inline_;
};

}  // namespace caselink::server
