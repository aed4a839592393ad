// Who gets in: mutual TLS is required, only certificates of the district CA
// that are valid, unrevoked and name an agency of the policy reach a handler,
// and a refused client never disturbs the others.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "caselink/v1/case_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/completion_queue.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "support/test_district.h"

namespace caselink::testing {
namespace {

using ::testing::HasSubstr;

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = TestDistrict::Start();
    ASSERT_TRUE(d.ok()) << d.status();
    district_ = std::move(*d);
    auto c = district_->As("market").SubmitCase(SampleCase());
    ASSERT_TRUE(c.ok()) << c.status();
    case_id_ = c->case_().case_id();
  }

  absl::StatusCode GetWith(Client& client) {
    v1::GetCaseRequest req;
    req.set_case_id(case_id_);
    req.set_purpose("tls test");
    return client.GetCase(req).status().code();
  }

  // The server keeps serving a good client.
  void ExpectOthersServed() {
    EXPECT_EQ(GetWith(district_->As("market")), absl::StatusCode::kOk);
  }

  std::unique_ptr<TestDistrict> district_;
  std::string case_id_;
};

TEST_F(TlsTest, ClientWithoutCertificateNeverReachesAHandler) {
  grpc::SslCredentialsOptions o;
  o.pem_root_certs = district_->ca().cert_pem();
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("localhost");
  auto channel = grpc::CreateCustomChannel(district_->target(), grpc::SslCredentials(o), args);
  auto stub = v1::CaseService::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
  v1::GetCaseRequest req;
  req.set_case_id(case_id_);
  v1::Case out;
  grpc::Status s = stub->GetCase(&ctx, req, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  EXPECT_TRUE(out.case_id().empty());
  ExpectOthersServed();
}

TEST_F(TlsTest, PlaintextClientIsRefused) {
  auto channel = grpc::CreateChannel(district_->target(), grpc::InsecureChannelCredentials());
  auto stub = v1::CaseService::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
  v1::GetCaseRequest req;
  req.set_case_id(case_id_);
  v1::Case out;
  EXPECT_EQ(stub->GetCase(&ctx, req, &out).error_code(), grpc::StatusCode::UNAVAILABLE);
  ExpectOthersServed();
}

TEST_F(TlsTest, CertificateFromAnotherCaIsRefused) {
  auto foreign = TestCa::Create("caselink test district CA");  // same name, other key
  ASSERT_TRUE(foreign.ok());
  auto kc = foreign->IssueAgency("market");  // claims a real agency
  ASSERT_TRUE(kc.ok());
  auto client = district_->ClientWith(*kc, absl::Seconds(3));
  ASSERT_TRUE(client.ok());
  EXPECT_EQ(GetWith(**client), absl::StatusCode::kUnavailable);
  ExpectOthersServed();
}

TEST_F(TlsTest, ExpiredCertificateIsRefused) {
  CertSpec spec;
  spec.common_name = "market";
  spec.uri_sans = {"caselink://agency/market"};
  spec.not_before_offset = -absl::Hours(48);
  spec.lifetime = absl::Hours(24);
  auto kc = district_->ca().Issue(spec);
  ASSERT_TRUE(kc.ok());
  auto client = district_->ClientWith(*kc, absl::Seconds(3));
  ASSERT_TRUE(client.ok());
  EXPECT_EQ(GetWith(**client), absl::StatusCode::kUnavailable);
  ExpectOthersServed();
}

TEST_F(TlsTest, UnknownAgencyIsPermissionDenied) {
  auto kc = district_->ca().IssueAgency("no-such-agency");
  ASSERT_TRUE(kc.ok());
  auto client = district_->ClientWith(*kc);
  ASSERT_TRUE(client.ok());
  v1::GetCaseRequest req;
  req.set_case_id(case_id_);
  req.set_purpose("probe");
  auto r = (*client)->GetCase(req);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("caselink://agency/no-such-agency"));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("names no agency"));
  // And it cannot write either; nothing is stored.
  EXPECT_EQ((*client)->SubmitCase(SampleCase()).status().code(), absl::StatusCode::kPermissionDenied);
  ExpectOthersServed();
}

TEST_F(TlsTest, RevokedCertificateIsRefusedAtTheNextHandshake) {
  auto kc = district_->AgencyCert("hrss");
  ASSERT_TRUE(kc.ok());
  {
    auto before = district_->ClientWith(*kc);
    ASSERT_TRUE(before.ok());
    EXPECT_EQ((*before)->SubmitCase(SampleCase(v1::LABOUR_PROTECTION)).status().code(),
              absl::StatusCode::kOk);
  }
  // gRPC 1.51 re-reads a CRL directory by file name: a newer CRL goes under
  // the next suffix (what make-certs.sh --revoke does). OpenSSL prefers the
  // CRL with the later lastUpdate, which has one-second resolution: a CRL
  // made within the same second as the previous one would not win.
  absl::SleepFor(absl::Milliseconds(1100));
  ASSERT_TRUE(district_->ca().WriteCrlToDir(district_->crl_dir(), {kc->serial_hex}, 1).ok());
  auto after = district_->ClientWith(*kc, absl::Seconds(3));
  ASSERT_TRUE(after.ok());
  EXPECT_EQ((*after)->SubmitCase(SampleCase(v1::LABOUR_PROTECTION)).status().code(),
            absl::StatusCode::kUnavailable);
  // Everybody else still gets in, also with a new connection.
  auto kc2 = district_->AgencyCert("emergency");
  auto fresh = district_->ClientWith(*kc2);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ((*fresh)->SubmitCase(SampleCase(v1::WORK_SAFETY)).status().code(), absl::StatusCode::kOk);
}

TEST_F(TlsTest, ClientCheckingAWrongServerNameRefusesTheServer) {
  auto kc = district_->AgencyCert("market");
  ClientOptions o;
  o.target = district_->target();
  o.ca_pem = district_->ca().cert_pem();
  o.cert_pem = kc->cert_pem;
  o.key_pem = kc->key_pem;
  o.server_name_override = "not-the-server.example";
  o.deadline = absl::Seconds(3);
  auto client = Client::Connect(o);
  ASSERT_TRUE(client.ok());
  EXPECT_EQ(GetWith(**client), absl::StatusCode::kUnavailable);
  ExpectOthersServed();
}

// A raw OpenSSL client limited to TLS 1.1 cannot complete a handshake.
TEST_F(TlsTest, TlsBelow12IsRefused) {
  int port = district_->server().port();
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_security_level(ctx, 0);  // allow the client to offer old versions at all
  SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
  SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION);
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  const unsigned char alpn[] = {2, 'h', '2'};
  SSL_set_alpn_protos(ssl, alpn, sizeof(alpn));
  EXPECT_NE(SSL_connect(ssl), 1);
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  close(fd);
  ERR_clear_error();
  ExpectOthersServed();
}

TEST_F(TlsTest, HealthServiceAnswersOverMutualTls) {
  auto kc = district_->AgencyCert("psb");
  auto client = district_->ClientWith(*kc);
  ASSERT_TRUE(client.ok());
  grpc::GenericStub stub((*client)->channel());
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::ByteBuffer request;  // HealthCheckRequest{} is empty
  grpc::Slice empty("", 0);
  request = grpc::ByteBuffer(&empty, 1);
  grpc::ByteBuffer response;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  grpc::Status status;
  stub.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                 [&](grpc::Status s) {
                   std::lock_guard<std::mutex> l(mu);
                   status = s;
                   done = true;
                   cv.notify_one();
                 });
  std::unique_lock<std::mutex> l(mu);
  cv.wait(l, [&] { return done; });
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(response.Dump(&slices).ok());
  std::string bytes;
  for (auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  EXPECT_EQ(bytes, std::string("\x08\x01", 2));  // status: SERVING
}

// Server reflection is on, behind the same mutual TLS: a generic tool lists
// caselink's services. ServerReflectionRequest{list_services: ""} is the
// bytes 0x3a 0x00; the answer names every service.
TEST_F(TlsTest, ServerReflectionListsTheServices) {
  auto kc = district_->AgencyCert("psb");
  auto client = district_->ClientWith(*kc);
  ASSERT_TRUE(client.ok());
  grpc::GenericStub stub((*client)->channel());
  grpc::CompletionQueue cq;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  auto call = stub.PrepareCall(&ctx, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  void* tag;
  bool ok;
  auto step = [&](void* t) {
    EXPECT_TRUE(cq.Next(&tag, &ok));
    EXPECT_EQ(tag, t);
    return ok;
  };
  call->StartCall(reinterpret_cast<void*>(1));
  ASSERT_TRUE(step(reinterpret_cast<void*>(1)));
  grpc::Slice req("\x3a\x00", 2);
  grpc::ByteBuffer request(&req, 1);
  call->Write(request, reinterpret_cast<void*>(2));
  ASSERT_TRUE(step(reinterpret_cast<void*>(2)));
  call->WritesDone(reinterpret_cast<void*>(3));
  ASSERT_TRUE(step(reinterpret_cast<void*>(3)));
  grpc::ByteBuffer response;
  call->Read(&response, reinterpret_cast<void*>(4));
  ASSERT_TRUE(step(reinterpret_cast<void*>(4)));
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(response.Dump(&slices).ok());
  std::string bytes;
  for (auto& sl : slices) bytes.append(reinterpret_cast<const char*>(sl.begin()), sl.size());
  EXPECT_NE(bytes.find("caselink.v1.CaseService"), std::string::npos);
  EXPECT_NE(bytes.find("caselink.v1.WorkflowService"), std::string::npos);
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  step(reinterpret_cast<void*>(5));
  EXPECT_TRUE(status.ok()) << status.error_message();
}

}  // namespace
}  // namespace caselink::testing
