// AdminHttp: the operator's plain-HTTP listener (cpp-httplib), separate from
// the mTLS gRPC port: GET /metrics answers the registry in the Prometheus
// text format; GET /healthz answers "ok". No TLS, no authentication — bind
// it to localhost or a management network (admin.listen_address).
// Serves on its own thread from Start() until destruction. Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "server/core/metrics_registry.h"

namespace httplib {
class Server;
}

namespace caselink::server {

class AdminHttp {
 public:
  // Binds `address` ("host:port"; port 0 picks a free one; "[::1]:port" for
  // IPv6). UNAVAILABLE naming the address if it cannot be bound.
  static absl::StatusOr<std::unique_ptr<AdminHttp>> Start(const std::string& address,
                                                          metrics::Registry* registry);
  ~AdminHttp();

  int port() const { return port_; }

 private:
  AdminHttp() = default;
  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace caselink::server
