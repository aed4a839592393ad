#include "server/admin/admin_http.h"

#include <httplib.h>

#include <chrono>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/core/metrics_exposition.h"

namespace caselink::server {
namespace {

bool SplitHostPort(const std::string& address, std::string* host, int* port) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) return false;
  *host = address.substr(0, colon);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  return !host->empty() && absl::SimpleAtoi(address.substr(colon + 1), port) && *port >= 0 &&
         *port <= 65535;
}

}  // namespace

absl::StatusOr<std::unique_ptr<AdminHttp>> AdminHttp::Start(const std::string& address,
                                                            metrics::Registry* registry) {
  std::string host;
  int port = 0;
  if (!SplitHostPort(address, &host, &port)) {
    return absl::InvalidArgumentError(
        absl::StrCat("admin.listen_address: '", address, "' is not host:port (or \"off\")"));
  }
  std::unique_ptr<AdminHttp> admin(new AdminHttp());
  admin->http_ = std::make_unique<httplib::Server>();
  httplib::Server& http = *admin->http_;
  http.Get("/metrics", [registry](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics::RenderPrometheusText(registry->Snapshot()), metrics::kPrometheusContentType);
  });
  http.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  // cpp-httplib's default sets SO_REUSEPORT, which would let a second
  // caselinkd bind the same port and share the scrapes silently; only
  // SO_REUSEADDR (a quick restart) is wanted.
  http.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  // Scrapes are small and rare; a few threads are plenty.
  http.new_task_queue = [] { return new httplib::ThreadPool(2); };
  admin->port_ = port == 0 ? http.bind_to_any_port(host) : (http.bind_to_port(host, port) ? port : -1);
  if (admin->port_ <= 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on admin.listen_address ", address, " (address in use, or not this machine's?)"));
  }
  admin->thread_ = std::thread([&http] { http.listen_after_bind(); });
  // stop() is a no-op until the loop runs, so return only once it does (the
  // destructor's stop() then always ends it).
  for (int i = 0; i < 5000 && !http.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!http.is_running()) return absl::InternalError("the admin HTTP listener did not start");
  return admin;
}

AdminHttp::~AdminHttp() {
  if (http_) http_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace caselink::server
