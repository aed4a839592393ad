#include "client_test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include "support/test_pki.h"

namespace caselink::client_testing {
namespace {

// The one test PKI (tests/support/test_pki.h); a test cannot go on without
// its certificates, and these helpers return values, so failure throws.
template <class T>
T Must(absl::StatusOr<T> v, const char* what) {
  if (!v.ok()) throw std::runtime_error(std::string(what) + ": " + v.status().ToString());
  return *std::move(v);
}

v1::Case MakeCase(const std::string& id, int64_t version) {
  v1::Case c;
  c.set_case_id(id);
  c.set_version(version);
  c.set_owner_agency("agency-test");
  c.set_title("title");
  return c;
}

}  // namespace

TestPki MakeTestPki(const std::string& server_only_name) {
  testing::TestCa ca = Must(testing::TestCa::Create("caselink test CA"), "test CA");
  testing::CertSpec server;
  server.common_name = "caselink test server";
  server.server = true;
  if (server_only_name.empty()) {
    server.dns_sans = {"localhost"};
    server.ip_sans = {"127.0.0.1"};
  } else {
    server.dns_sans = {server_only_name};
  }
  testing::KeyCert server_kc = Must(ca.Issue(server), "server certificate");
  testing::CertSpec client;
  client.common_name = "agency-test";
  testing::KeyCert client_kc = Must(ca.Issue(client), "client certificate");
  TestPki pki;
  pki.ca_pem = ca.cert_pem();
  pki.server_cert_pem = server_kc.cert_pem;
  pki.server_key_pem = server_kc.key_pem;
  pki.client_cert_pem = client_kc.cert_pem;
  pki.client_key_pem = client_kc.key_pem;
  return pki;
}

ClientOptions ClientOptionsFor(const TestPki& pki, const std::string& target) {
  ClientOptions o;
  o.target = target;
  o.ca_pem = pki.ca_pem;
  o.cert_pem = pki.client_cert_pem;
  o.key_pem = pki.client_key_pem;
  o.deadline = absl::Seconds(5);
  o.initial_backoff = absl::Milliseconds(10);
  return o;
}

int ClosedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw std::runtime_error("bind");
  }
  close(fd);  // never listened on: connections are refused
  return ntohs(addr.sin_port);
}

// --- FakeCaseService --------------------------------------------------------

grpc::Status FakeCaseService::Begin() {
  {
    absl::MutexLock lock(&mu_);
    ++calls_;
  }
  if (delay > absl::ZeroDuration()) {
    std::this_thread::sleep_for(absl::ToChronoNanoseconds(delay));
  }
  int left = fail_next_calls.load();
  while (left > 0 && !fail_next_calls.compare_exchange_weak(left, left - 1)) {
  }
  if (left > 0) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "scripted failure");
  }
  return grpc::Status::OK;
}

std::vector<v1::SubmitCaseRequest> FakeCaseService::submits() const {
  absl::MutexLock lock(&mu_);
  return submits_;
}

std::vector<v1::GetCaseRequest> FakeCaseService::gets() const {
  absl::MutexLock lock(&mu_);
  return gets_;
}

int FakeCaseService::calls() const {
  absl::MutexLock lock(&mu_);
  return calls_;
}

grpc::Status FakeCaseService::SubmitCase(grpc::ServerContext*,
                                         const v1::SubmitCaseRequest* request,
                                         v1::SubmitCaseResponse* response) {
  bool replayed = false;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& earlier : submits_) {
      if (earlier.request_id() == request->request_id()) replayed = true;
    }
    submits_.push_back(*request);
  }
  if (grpc::Status s = Begin(); !s.ok()) return s;
  *response->mutable_case_() = request->case_();
  if (response->case_().case_id().empty()) {
    response->mutable_case_()->set_case_id("c-new");
  }
  response->mutable_case_()->set_version(request->expected_version() + 1);
  response->mutable_case_()->set_owner_agency("agency-test");
  response->set_replayed(replayed);
  return grpc::Status::OK;
}

grpc::Status FakeCaseService::GetCase(grpc::ServerContext* ctx,
                                      const v1::GetCaseRequest* request,
                                      v1::Case* response) {
  {
    absl::MutexLock lock(&mu_);
    gets_.push_back(*request);
  }
  if (grpc::Status s = Begin(); !s.ok()) return s;
  if (request->case_id() == "missing") {
    ctx->AddTrailingMetadata("caselink-request-id", kFakeRequestId);
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        "no such case: " + request->case_id());
  }
  *response = MakeCase(request->case_id(),
                       request->version() == 0 ? 7 : request->version());
  response->set_title(std::string(get_title_bytes.load(), 't'));
  return grpc::Status::OK;
}

grpc::Status FakeCaseService::ListCases(grpc::ServerContext*,
                                        const v1::ListCasesRequest* request,
                                        v1::ListCasesResponse* response) {
  if (grpc::Status s = Begin(); !s.ok()) return s;
  int page_size = request->page_size() == 0 ? 50 : request->page_size();
  int start = request->page_token().empty()
                  ? 0
                  : std::stoi(request->page_token());
  int total = list_total.load();
  int end = std::min(total, start + page_size);
  for (int i = start; i < end; ++i) {
    *response->add_cases() = MakeCase("c" + std::to_string(i + 1), 1);
  }
  if (end < total) response->set_next_page_token(std::to_string(end));
  return grpc::Status::OK;
}

grpc::Status FakeCaseService::ListCaseVersions(
    grpc::ServerContext*, const v1::ListCaseVersionsRequest* request,
    v1::ListCaseVersionsResponse* response) {
  if (grpc::Status s = Begin(); !s.ok()) return s;
  for (int v = 1; v <= 3; ++v) {
    *response->add_versions() = MakeCase(request->case_id(), v);
  }
  return grpc::Status::OK;
}

// --- FakeServer -------------------------------------------------------------

// --- FakeOtherServices --------------------------------------------------------

namespace {

// Reads the request, then answers it once.
class OneAnswer final : public grpc::ServerGenericBidiReactor {
 public:
  OneAnswer(FakeOtherServices* services, grpc::GenericCallbackServerContext* ctx)
      : services_(services), method_(ctx->method()) {
    StartRead(&request_);
  }
  void OnReadDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no request"));
      return;
    }
    grpc::Status status = services_->Begin(method_);
    if (!status.ok()) {
      Finish(status);
      return;
    }
    grpc::Slice empty("");
    response_ = grpc::ByteBuffer(&empty, 1);
    StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
  }
  void OnDone() override { delete this; }

 private:
  FakeOtherServices* services_;
  std::string method_;
  grpc::ByteBuffer request_, response_;
};

}  // namespace

grpc::ServerGenericBidiReactor* FakeOtherServices::CreateReactor(grpc::GenericCallbackServerContext* ctx) {
  return new OneAnswer(this, ctx);
}

grpc::Status FakeOtherServices::Begin(const std::string& method) {
  {
    absl::MutexLock lock(&mu_);
    ++calls_[method];
  }
  if (fail_next_calls.fetch_sub(1) > 0) return grpc::Status(fail_code.load(), "scripted failure");
  fail_next_calls = 0;
  return grpc::Status::OK;
}

int FakeOtherServices::calls(const std::string& method) const {
  absl::MutexLock lock(&mu_);
  auto it = calls_.find(method);
  return it == calls_.end() ? 0 : it->second;
}

FakeServer::FakeServer(const TestPki& pki) {
  grpc::SslServerCredentialsOptions ssl(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  ssl.pem_root_certs = pki.ca_pem;
  ssl.pem_key_cert_pairs.push_back({pki.server_key_pem, pki.server_cert_pem});
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::SslServerCredentials(ssl),
                           &port_);
  builder.RegisterService(&service_);
  builder.RegisterCallbackGenericService(&others_);
  server_ = builder.BuildAndStart();
  if (!server_ || port_ == 0) throw std::runtime_error("FakeServer: no port");
}

FakeServer::~FakeServer() {
  server_->Shutdown(std::chrono::system_clock::now() +
                    std::chrono::seconds(1));
}

// --- ScratchDir -------------------------------------------------------------

std::string ScratchDir::Write(const std::string& name,
                              const std::string& content) const {
  std::string full = dir_.Join(name);
  std::ofstream out(full, std::ios::binary);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + full);
  return full;
}

}  // namespace caselink::client_testing
