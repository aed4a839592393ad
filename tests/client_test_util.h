// Test helpers of the client and CLI tests: an in-memory PKI (from the one
// test CA, tests/support/test_pki.h), and a scriptable fake CaseService served over mutual TLS on
// 127.0.0.1:<free port>. FakeCaseService is thread-safe (calls arrive on
// gRPC threads); the rest is for one test thread.
//
// Example:
//   TestPki pki = MakeTestPki();
//   FakeServer server(pki);
//   server.service().fail_next_calls = 2;   // two UNAVAILABLE, then OK
//   ClientOptions o = ClientOptionsFor(pki, server.target());
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/server.h>
#include <grpcpp/support/byte_buffer.h>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "caselink/client_options.h"
#include "support/temp_dir.h"
#include "caselink/v1/case_service.grpc.pb.h"

namespace caselink::client_testing {

struct TestPki {
  std::string ca_pem;
  // Server certificate: SAN DNS:localhost, IP:127.0.0.1 and, when made with
  // an alt name, DNS:<alt name> only.
  std::string server_cert_pem;
  std::string server_key_pem;
  // Client (agency) certificate, CN=agency-test.
  std::string client_cert_pem;
  std::string client_key_pem;
};

// A fresh CA with a server and a client certificate (EC P-256). With a
// non-empty `server_only_name`, the server certificate names only that DNS
// name (to test ClientOptions::server_name_override).
TestPki MakeTestPki(const std::string& server_only_name = "");

// ClientOptions with the PKI's CA and client identity, `target`, and short
// timings suited to tests.
ClientOptions ClientOptionsFor(const TestPki& pki, const std::string& target);

// A 127.0.0.1 port on which nothing listens (bound, then closed).
int ClosedPort();

// The server request id FakeCaseService returns with its NOT_FOUND.
inline constexpr char kFakeRequestId[] = "0123456789abcdef";

class FakeCaseService final : public v1::CaseService::Service {
 public:
  // The next this-many calls (of any RPC) fail with UNAVAILABLE.
  std::atomic<int> fail_next_calls{0};
  // Each call sleeps this long before answering.
  absl::Duration delay = absl::ZeroDuration();
  // Size of the title of the Case returned by GetCase.
  std::atomic<int> get_title_bytes{8};
  // ListCases serves cases "c1".."c<list_total>", page_size per page
  // (tokens are the next index).
  std::atomic<int> list_total{0};

  // Everything received, in order (the failed attempts included).
  std::vector<v1::SubmitCaseRequest> submits() const;
  std::vector<v1::GetCaseRequest> gets() const;
  int calls() const;

  // SubmitCase: echoes the case with case_id "c-new" (if empty), version
  // expected_version + 1; replayed = request_id seen before.
  grpc::Status SubmitCase(grpc::ServerContext*, const v1::SubmitCaseRequest*,
                          v1::SubmitCaseResponse*) override;
  // GetCase: NOT_FOUND "no such case: <id>" for case_id "missing", with
  // kFakeRequestId as its caselink-request-id trailer (as the real server
  // sends); else a case with that id, version, and a title of
  // get_title_bytes bytes.
  grpc::Status GetCase(grpc::ServerContext*, const v1::GetCaseRequest*,
                       v1::Case*) override;
  grpc::Status ListCases(grpc::ServerContext*, const v1::ListCasesRequest*,
                         v1::ListCasesResponse*) override;
  // ListCaseVersions: versions 1..3 of the case.
  grpc::Status ListCaseVersions(grpc::ServerContext*,
                                const v1::ListCaseVersionsRequest*,
                                v1::ListCaseVersionsResponse*) override;

 private:
  // Counts the call; returns UNAVAILABLE while failures are scripted.
  grpc::Status Begin();

  mutable absl::Mutex mu_;
  std::vector<v1::SubmitCaseRequest> submits_ ABSL_GUARDED_BY(mu_);
  std::vector<v1::GetCaseRequest> gets_ ABSL_GUARDED_BY(mu_);
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
};

// Every other method (MeetingService, AdminService, …): the next
// fail_next_calls calls end with fail_code, the rest answer an empty message
// (a streaming method: one empty message). Counts calls per method.
class FakeOtherServices final : public grpc::CallbackGenericService {
 public:
  std::atomic<int> fail_next_calls{0};
  std::atomic<grpc::StatusCode> fail_code{grpc::StatusCode::UNAVAILABLE};
  // Calls of "/caselink.v1.Service/Method" so far.
  int calls(const std::string& method) const;

  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* ctx) override;
  // Counts the call; the status it ends with.
  grpc::Status Begin(const std::string& method);

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, int> calls_ ABSL_GUARDED_BY(mu_);
};

// FakeCaseService (and FakeOtherServices for the rest) served over mutual
// TLS (client certificate required and verified against the PKI's CA).
// Shuts down in the destructor.
class FakeServer {
 public:
  explicit FakeServer(const TestPki& pki);
  ~FakeServer();
  FakeCaseService& service() { return service_; }
  FakeOtherServices& others() { return others_; }
  int port() const { return port_; }
  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  FakeCaseService service_;
  FakeOtherServices others_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

// A fresh temporary directory, removed with its files by the destructor.
class ScratchDir {
 public:
  const std::string& path() const { return dir_.path(); }
  // Writes `content` to path()/name and returns the full path.
  std::string Write(const std::string& name, const std::string& content) const;

 private:
  testing::TempDir dir_;  // the one temp-dir helper (tests/support/temp_dir.h)
};

}  // namespace caselink::client_testing
