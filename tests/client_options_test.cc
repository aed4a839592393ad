// ClientOptions::FromFiles, ClientOptions::Validate and Client::Connect's
// option checks. No server needed.
#include <chrono>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "caselink/client.h"
#include "caselink/client_options.h"
#include "caselink/request_id.h"
#include "caselink/v1/workflow.pb.h"
#include "client_test_util.h"

namespace caselink {
namespace {

using ::caselink::client_testing::ClientOptionsFor;
using ::caselink::client_testing::ClosedPort;
using ::caselink::client_testing::MakeTestPki;
using ::caselink::client_testing::ScratchDir;
using ::testing::HasSubstr;

constexpr char kPem[] = "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n";

TEST(ClientOptionsFromFiles, ReadsTheThreeFiles) {
  ScratchDir dir;
  auto o = ClientOptions::FromFiles("h:1", dir.Write("ca.pem", "CA"),
                                    dir.Write("c.pem", "CERT"),
                                    dir.Write("k.pem", "KEY"));
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->target, "h:1");
  EXPECT_EQ(o->ca_pem, "CA");
  EXPECT_EQ(o->cert_pem, "CERT");
  EXPECT_EQ(o->key_pem, "KEY");
  EXPECT_EQ(o->deadline, absl::Seconds(10));
  EXPECT_EQ(o->max_attempts, 4);
}

TEST(ClientOptionsFromFiles, MissingFileErrorNamesTheFileAndItsRole) {
  ScratchDir dir;
  std::string ca = dir.Write("ca.pem", kPem);
  std::string cert = dir.Write("c.pem", kPem);
  std::string key = dir.Write("k.pem", kPem);
  std::string missing = dir.path() + "/nope.pem";

  auto o = ClientOptions::FromFiles("h:1", missing, cert, key);
  EXPECT_EQ(o.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(o.status().message(), HasSubstr(missing));
  EXPECT_THAT(o.status().message(), HasSubstr("CA certificate"));

  o = ClientOptions::FromFiles("h:1", ca, missing, key);
  EXPECT_EQ(o.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(o.status().message(), HasSubstr(missing));
  EXPECT_THAT(o.status().message(), HasSubstr("client certificate"));

  o = ClientOptions::FromFiles("h:1", ca, cert, missing);
  EXPECT_EQ(o.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(o.status().message(), HasSubstr(missing));
  EXPECT_THAT(o.status().message(), HasSubstr("client key"));
}

TEST(ClientOptionsFromFiles, EmptyFileOrNoNameIsAnError) {
  ScratchDir dir;
  std::string empty = dir.Write("empty.pem", "");
  std::string pem = dir.Write("p.pem", kPem);
  auto o = ClientOptions::FromFiles("h:1", pem, pem, empty);
  EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(o.status().message(), HasSubstr(empty));
  o = ClientOptions::FromFiles("h:1", "", pem, pem);
  EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(o.status().message(), HasSubstr("CA certificate"));
  // A directory is not "empty": the message says what it is.
  o = ClientOptions::FromFiles("h:1", dir.path(), pem, pem);
  EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(o.status().message(), HasSubstr("it is a directory, not a file"));
}

// One PKI for the file: RSA keys take a while to make.
const client_testing::TestPki& Pki() {
  static const client_testing::TestPki* pki = new client_testing::TestPki(MakeTestPki());
  return *pki;
}

ClientOptions Valid() {
  ClientOptions o;
  o.target = "localhost:7443";
  o.ca_pem = Pki().ca_pem;
  o.cert_pem = Pki().client_cert_pem;
  o.key_pem = Pki().client_key_pem;
  return o;
}

TEST(ClientOptionsValidate, DefaultsWithTargetAndPemsAreValid) {
  EXPECT_TRUE(Valid().Validate().ok()) << Valid().Validate();
}

TEST(ClientOptionsValidate, EachBadOptionIsNamed) {
  struct Case {
    const char* option;
    void (*mutate)(ClientOptions&);
  } cases[] = {
      {"target", [](ClientOptions& o) { o.target.clear(); }},
      {"ca_pem", [](ClientOptions& o) { o.ca_pem.clear(); }},
      {"cert_pem", [](ClientOptions& o) { o.cert_pem = "not pem"; }},
      {"key_pem", [](ClientOptions& o) { o.key_pem.clear(); }},
      {"deadline", [](ClientOptions& o) { o.deadline = absl::ZeroDuration(); }},
      {"max_attempts", [](ClientOptions& o) { o.max_attempts = 0; }},
      {"initial_backoff",
       [](ClientOptions& o) { o.initial_backoff = -absl::Seconds(1); }},
      {"max_receive_message_bytes",
       [](ClientOptions& o) { o.max_receive_message_bytes = 0; }},
  };
  for (const Case& c : cases) {
    ClientOptions o = Valid();
    c.mutate(o);
    absl::Status s = o.Validate();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.option;
    EXPECT_THAT(s.message(), HasSubstr(c.option));
  }
}

// gRPC would take these and fail every call later with "empty address
// list"; the options name what is wrong before any call.
TEST(ClientOptionsValidate, TheKeyMustBeTheCertificatesAndEachPemMustParse) {
  struct Case {
    const char* option;
    const char* says;
    void (*mutate)(ClientOptions&);
  } cases[] = {
      {"ca_pem", "holds no PEM certificate", [](ClientOptions& o) { o.ca_pem = kPem; }},
      {"cert_pem", "holds no PEM certificate", [](ClientOptions& o) { o.cert_pem = kPem; }},
      {"key_pem", "holds no unencrypted PEM private key", [](ClientOptions& o) { o.key_pem = o.cert_pem; }},
      {"key_pem", "is not the private key of the certificate in cert_pem",
       [](ClientOptions& o) { o.key_pem = Pki().server_key_pem; }},
  };
  for (const Case& c : cases) {
    ClientOptions o = Valid();
    c.mutate(o);
    absl::Status s = o.Validate();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.says;
    EXPECT_THAT(s.message(), HasSubstr(absl::StrCat("ClientOptions.", c.option, " ", c.says)));
    auto client = Client::Connect(o);
    EXPECT_EQ(client.status().code(), absl::StatusCode::kInvalidArgument) << c.says;
  }
}

TEST(ClientConnect, EmptyTargetIsInvalidArgumentNamingTarget) {
  ClientOptions o = Valid();
  o.target = "";
  auto client = Client::Connect(o);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(client.status().message(), HasSubstr("target"));
}

TEST(ClientConnect, MissingClientCertificateIsInvalidArgument) {
  ClientOptions o = Valid();
  o.cert_pem.clear();
  auto client = Client::Connect(o);
  EXPECT_EQ(client.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(client.status().message(), HasSubstr("cert_pem"));
}

TEST(ClientConnect, DoesNotBlockOnAnUnreachableServer) {
  auto pki = MakeTestPki();
  ClientOptions o =
      ClientOptionsFor(pki, "127.0.0.1:" + std::to_string(ClosedPort()));
  o.deadline = absl::Seconds(30);
  auto start = std::chrono::steady_clock::now();
  auto client = Client::Connect(o);
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_NE((*client)->channel(), nullptr);
  EXPECT_EQ((*client)->options().target, o.target);
  EXPECT_EQ((*client)->options().cert_pem, o.cert_pem);
  EXPECT_TRUE((*client)->options().key_pem.empty()) << "the client keeps no copy of the private key";
}

// A request id derived from a request is the server's "same request" test:
// blind to request_id, sensitive to everything else, the same on every run.
TEST(DeriveRequestIdTest, FromAMessageIgnoresRequestIdAndSeesTheContent) {
  v1::WorkflowActionRequest a;
  a.set_id("T20240305-AAAAAAAAAAAA");
  a.set_action(v1::ACTION_ACCEPT);
  v1::WorkflowActionRequest b = a;
  b.set_request_id("anything");
  EXPECT_EQ(DeriveRequestId(a), DeriveRequestId(b));
  EXPECT_EQ(DeriveRequestId(a).size(), 64u);
  b.set_reason("立案");
  EXPECT_NE(DeriveRequestId(a), DeriveRequestId(b));
  // SHA-256 of the type name, a NUL and the empty serialization: nothing
  // but the request id set.
  v1::WorkflowActionRequest only_id;
  only_id.set_request_id("r1");
  EXPECT_EQ(DeriveRequestId(only_id), "a0bf339c6b9e1721f49f5c9eb869b8e25f58f095b0a842b32ad3640ab5a5ebbc");
}

// A reverse transfer and a 检察意见 with the same wording serialize to the
// same bytes (direction 2 = kind 2, case_id = case_ids[0], subject,
// materials); their derived ids must still differ, or re-running the second
// command after the first reuses its id and is refused.
TEST(DeriveRequestIdTest, MessagesOfDifferentTypesWithTheSameBytesGetDifferentIds) {
  v1::CreateTransferRequest reverse;
  reverse.set_direction(v1::TRANSFER_REVERSE);
  reverse.set_receiver_agency("market");
  reverse.set_case_id("C20240305-AAAAAAAAAAAA");
  reverse.set_subject("检察意见: 被不起诉人应当给予行政处罚");
  v1::CreateSupervisionRequest opinion;
  opinion.set_kind(v1::SUPERVISION_OPINION);
  opinion.set_receiver_agency("market");
  opinion.add_case_ids("C20240305-AAAAAAAAAAAA");
  opinion.set_subject("检察意见: 被不起诉人应当给予行政处罚");
  // The premise: without the type the two are one request.
  ASSERT_EQ(reverse.SerializeAsString(), opinion.SerializeAsString());
  EXPECT_NE(DeriveRequestId(reverse), DeriveRequestId(opinion));
  EXPECT_EQ(DeriveRequestId(reverse).size(), 64u);
}

TEST(ClientOptionsFilesTest, AMissingFileIsNotFoundNamingTheOption) {
  auto o = ClientOptions::FromFiles("127.0.0.1:1", "/nonexistent/ca.pem", "/nonexistent/c.pem",
                                    "/nonexistent/k.pem");
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(o.status().message()), ::testing::HasSubstr("/nonexistent/"));
}

}  // namespace
}  // namespace caselink
