#include "echo_server.h"

#include <atomic>
#include <chrono>

#include "echo.grpc.pb.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"
#include "grpcpp/server_builder.h"

namespace caselink::bench {

class EchoServer::Service final : public Echo::CallbackService {
 public:
  explicit Service(LoggedEchoStore* logged) : logged_(logged) {}

  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* ctx, const EchoRequest* req,
                                 EchoResponse* resp) override {
    resp->mutable_payload()->assign(req->response_size(), 'x');
    auto* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  grpc::ServerUnaryReactor* StoredEcho(grpc::CallbackServerContext* ctx, const EchoRequest* req,
                                       EchoResponse* resp) override {
    auto* reactor = ctx->DefaultReactor();
    if (logged_ == nullptr) {
      reactor->Finish(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "no logged echo store"));
      return reactor;
    }
    // Consecutive calls read records far apart, as reads of many cases do.
    auto value = logged_->Read(next_.fetch_add(1, std::memory_order_relaxed) * 7919, req->write_entry());
    if (!value.ok()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::INTERNAL, std::string(value.status().message())));
      return reactor;
    }
    *resp->mutable_payload() = std::move(*value);
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  grpc::ServerReadReactor<SinkRequest>* Sink(grpc::CallbackServerContext*, SinkResponse* resp) override {
    class Reader final : public grpc::ServerReadReactor<SinkRequest> {
     public:
      explicit Reader(SinkResponse* resp) : resp_(resp) { StartRead(&msg_); }
      void OnReadDone(bool ok) override {
        if (!ok) {
          resp_->set_bytes(total_);
          Finish(grpc::Status::OK);
          return;
        }
        total_ += static_cast<int64_t>(msg_.chunk().size());
        StartRead(&msg_);
      }
      void OnDone() override { delete this; }

     private:
      SinkResponse* resp_;
      SinkRequest msg_;
      int64_t total_ = 0;
    };
    return new Reader(resp);
  }

 private:
  LoggedEchoStore* const logged_;
  std::atomic<uint64_t> next_{0};
};

absl::StatusOr<std::unique_ptr<EchoServer>> EchoServer::Start(const EchoTlsFiles& tls,
                                                               LoggedEchoStore* logged) {
  // The same credentials as caselinkd's TlsCredentials() (server/caselink_server.cc).
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      tls.key_file, tls.cert_file, tls.client_ca_file, /*refresh_interval_sec=*/1);
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  if (!tls.crl_dir.empty()) options.set_crl_directory(tls.crl_dir);

  std::unique_ptr<EchoServer> s(new EchoServer());
  s->service_ = std::make_unique<Service>(logged);
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::experimental::TlsServerCredentials(options),
                           &s->port_);
  builder.RegisterService(s->service_.get());
  s->server_ = builder.BuildAndStart();
  if (s->server_ == nullptr || s->port_ == 0) {
    return absl::UnavailableError("echo baseline: cannot listen on 127.0.0.1:0");
  }
  return s;
}

EchoServer::~EchoServer() {
  if (server_) {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    server_->Wait();
  }
}

}  // namespace caselink::bench
