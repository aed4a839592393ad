// EchoServer: baseline A of caselink_bench — a bare gRPC callback service that
// answers each call inline (no worker pool, no storage, no policy) over the
// same mutual-TLS setup as caselinkd: TlsServerCredentials over a
// FileWatcherCertificateProvider, client certificates required and verified
// against the same CA, the same CRL directory. Listens on 127.0.0.1:0.
// Given a LoggedEchoStore it also answers StoredEcho from it, inline too.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/server.h"
#include "logged_echo_store.h"

namespace caselink::bench {

struct EchoTlsFiles {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;
  std::string crl_dir;  // may be empty
};

class EchoServer {
 public:
  // `logged` (may be null; must outlive the server) serves StoredEcho.
  static absl::StatusOr<std::unique_ptr<EchoServer>> Start(const EchoTlsFiles& tls,
                                                           LoggedEchoStore* logged = nullptr);
  ~EchoServer();

  int port() const { return port_; }

 private:
  class Service;
  EchoServer() = default;
  std::unique_ptr<Service> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace caselink::bench
