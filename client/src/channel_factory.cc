#include "channel_factory.h"

#include <algorithm>
#include <cstdint>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace caselink::client_internal {
namespace {

// Services whose every RPC is idempotent and so safe to retry: reads, and
// writes that carry a request_id (a retry replays the first answer). Add
// each new service the client wraps here.
constexpr const char* kRetriedServices[] = {
    "caselink.v1.CaseService",       "caselink.v1.WorkflowService",   "caselink.v1.AuditService",
    "caselink.v1.MeetingService",    "caselink.v1.ScreeningService",  "caselink.v1.OversightService",
    "caselink.v1.ReportService",
};
// Single methods of the other services. Not AdminService/Backup (a retry
// would take a second backup), not the document streams (Upload and
// Download resume by request_id and offset, client_documents.cc), not Watch
// (it reconnects by cursor, watch.cc).
constexpr const char* kRetriedMethods[][2] = {
    {"caselink.v1.DocumentService", "List"},
    {"caselink.v1.DocumentService", "Get"},
    {"caselink.v1.AdminService", "GetStats"},
};

// A google.protobuf.Duration in its JSON form, e.g. "0.100000000s".
std::string JsonDuration(absl::Duration d) {
  int64_t nanos = absl::ToInt64Nanoseconds(d);
  return absl::StrFormat("%d.%09ds", nanos / 1000000000, nanos % 1000000000);
}

}  // namespace

std::string RetryServiceConfigJson(const ClientOptions& options) {
  std::string names = absl::StrJoin(
      kRetriedServices, ",", [](std::string* out, const char* service) {
        absl::StrAppend(out, "{\"service\":\"", service, "\"}");
      });
  for (const auto& m : kRetriedMethods) {
    absl::StrAppend(&names, ",{\"service\":\"", m[0], "\",\"method\":\"", m[1], "\"}");
  }
  std::string method_config = absl::StrCat("{\"name\":[", names, "]");
  if (options.max_attempts > 1) {
    // Backoff doubles per retry; cap it so the few retries gRPC allows (at
    // most 4) all fit in a deadline of a few seconds.
    absl::Duration max_backoff =
        std::max(options.initial_backoff, absl::Seconds(2));
    absl::StrAppend(&method_config,
                    ",\"retryPolicy\":{\"maxAttempts\":", options.max_attempts,
                    ",\"initialBackoff\":\"",
                    JsonDuration(options.initial_backoff),
                    "\",\"maxBackoff\":\"", JsonDuration(max_backoff),
                    "\",\"backoffMultiplier\":2",
                    // CANCELLED from the server: it stopped (a restart)
                    // with the call in flight. A call this process cancels
                    // is never retried by gRPC.
                    ",\"retryableStatusCodes\":[\"UNAVAILABLE\",\"CANCELLED\"]}");
  }
  absl::StrAppend(&method_config, "}");
  return absl::StrCat("{\"methodConfig\":[", method_config, "]}");
}

std::shared_ptr<grpc::Channel> MakeChannel(const ClientOptions& options) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = options.ca_pem;
  ssl.pem_private_key = options.key_pem;
  ssl.pem_cert_chain = options.cert_pem;

  grpc::ChannelArguments args;
  if (!options.server_name_override.empty()) {
    args.SetSslTargetNameOverride(options.server_name_override);
  }
  args.SetServiceConfigJSON(RetryServiceConfigJson(options));
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 1);
  args.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  return grpc::CreateCustomChannel(options.target,
                                   grpc::SslCredentials(ssl), args);
}

}  // namespace caselink::client_internal
