// Client calls against a fake CaseService over mutual TLS, and against a
// closed port: retries, request ids, deadlines, status mapping, limits.
#include <chrono>
#include <functional>
#include <regex>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "caselink/client.h"
#include "client_test_util.h"
#include <grpcpp/channel.h>
#include "caselink/v1/case_service.grpc.pb.h"

namespace caselink {
namespace {

using ::caselink::client_testing::ClientOptionsFor;
using ::caselink::client_testing::ClosedPort;
using ::caselink::client_testing::FakeServer;
using ::caselink::client_testing::MakeTestPki;
using ::caselink::client_testing::TestPki;
using ::testing::HasSubstr;

const TestPki& Pki() {
  static const TestPki* pki = new TestPki(MakeTestPki());
  return *pki;
}

std::unique_ptr<Client> MustConnect(const ClientOptions& o) {
  auto client = Client::Connect(o);
  EXPECT_TRUE(client.ok()) << client.status();
  return client.ok() ? *std::move(client) : nullptr;
}

v1::Case SomeCase() {
  v1::Case c;
  c.set_domain(v1::WORK_SAFETY);
  c.set_title("t");
  return c;
}

TEST(ClientCall, ClosedPortGivesUnavailableAfterRetriesWithoutHanging) {
  ClientOptions o =
      ClientOptionsFor(Pki(), "127.0.0.1:" + std::to_string(ClosedPort()));
  o.deadline = absl::Seconds(20);
  o.max_attempts = 3;
  o.initial_backoff = absl::Milliseconds(50);
  auto client = MustConnect(o);
  auto start = std::chrono::steady_clock::now();
  v1::GetCaseRequest req;
  req.set_case_id("c1");
  auto result = client->GetCase(req);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable)
      << result.status();
  // Refused connections fail fast: far less than the 20 s deadline.
  EXPECT_LT(elapsed, std::chrono::seconds(10));
}

TEST(ClientCall, ShortDeadlineBoundsACallToAnUnroutableAddress) {
  // 10.255.255.1 is normally unroutable (connect hangs), so only the
  // deadline ends the call. Either way the call must end quickly.
  ClientOptions o = ClientOptionsFor(Pki(), "10.255.255.1:7443");
  o.deadline = absl::Milliseconds(500);
  auto client = MustConnect(o);
  auto start = std::chrono::steady_clock::now();
  auto result = client->ListCases(v1::ListCasesRequest());
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_THAT(result.status().code(),
              ::testing::AnyOf(absl::StatusCode::kDeadlineExceeded,
                               absl::StatusCode::kUnavailable));
  EXPECT_LT(elapsed, std::chrono::seconds(3));
}

TEST(ClientCall, GetCaseOverMutualTls) {
  FakeServer server(Pki());
  auto client = MustConnect(ClientOptionsFor(Pki(), server.target()));
  v1::GetCaseRequest req;
  req.set_case_id("c-42");
  req.set_version(3);
  req.set_purpose("inspection");
  auto c = client->GetCase(req);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->case_id(), "c-42");
  EXPECT_EQ(c->version(), 3);
  ASSERT_EQ(server.service().gets().size(), 1u);
  EXPECT_EQ(server.service().gets()[0].purpose(), "inspection");
}

TEST(ClientCall, ServerErrorKeepsCodeAndMessageAndCarriesTheRequestId) {
  FakeServer server(Pki());
  auto client = MustConnect(ClientOptionsFor(Pki(), server.target()));
  v1::GetCaseRequest req;
  req.set_case_id("missing");
  auto c = client->GetCase(req);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(c.status().message(), "no such case: missing");
  EXPECT_EQ(RequestIdOf(c.status()), std::optional<std::string>(client_testing::kFakeRequestId));
  EXPECT_EQ(server.service().calls(), 1);  // NOT_FOUND is not retried
}

TEST(ClientCall, StatusWithoutAServerHasNoRequestId) {
  EXPECT_EQ(RequestIdOf(absl::OkStatus()), std::nullopt);
  EXPECT_EQ(RequestIdOf(absl::UnavailableError("connection refused")), std::nullopt);
  // OK stays OK: a payload on it would be dropped by absl anyway.
  EXPECT_TRUE(WithRequestId(absl::OkStatus(), "abc").ok());
  EXPECT_EQ(RequestIdOf(WithRequestId(absl::NotFoundError("x"), "abc")), std::optional<std::string>("abc"));
}

TEST(ClientCall, RetriesUnavailableReusingTheGeneratedRequestId) {
  FakeServer server(Pki());
  server.service().fail_next_calls = 2;
  auto client = MustConnect(ClientOptionsFor(Pki(), server.target()));
  auto response = client->SubmitCase(SomeCase());
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->case_().version(), 1);

  auto submits = server.service().submits();
  ASSERT_EQ(submits.size(), 3u);  // two scripted failures, then success
  const std::string& id = submits[0].request_id();
  EXPECT_TRUE(std::regex_match(
      id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                     "[0-9a-f]{12}")))
      << id;
  for (const auto& s : submits) EXPECT_EQ(s.request_id(), id);
  EXPECT_TRUE(response->replayed());  // the fake saw this id before
}

TEST(ClientCall, EachSubmitGetsItsOwnRequestId) {
  FakeServer server(Pki());
  auto client = MustConnect(ClientOptionsFor(Pki(), server.target()));
  ASSERT_TRUE(client->SubmitCase(SomeCase()).ok());
  ASSERT_TRUE(client->SubmitCase(SomeCase()).ok());
  auto submits = server.service().submits();
  ASSERT_EQ(submits.size(), 2u);
  EXPECT_NE(submits[0].request_id(), submits[1].request_id());
}

TEST(ClientCall, SubmitPassesCallerRequestIdAndExpectedVersion) {
  FakeServer server(Pki());
  auto client = MustConnect(ClientOptionsFor(Pki(), server.target()));
  v1::Case c = SomeCase();
  c.set_case_id("c-9");
  auto response = client->SubmitCase(c, 4, "my-id.1");
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->case_().version(), 5);
  auto submits = server.service().submits();
  ASSERT_EQ(submits.size(), 1u);
  EXPECT_EQ(submits[0].request_id(), "my-id.1");
  EXPECT_EQ(submits[0].expected_version(), 4);
  EXPECT_EQ(submits[0].case_().case_id(), "c-9");

  v1::SubmitCaseRequest req;  // the request overload fills an empty id too
  *req.mutable_case_() = SomeCase();
  ASSERT_TRUE(client->SubmitCase(req).ok());
  EXPECT_FALSE(server.service().submits().back().request_id().empty());
}

TEST(ClientCall, MaxAttemptsLimitsRetries) {
  FakeServer server(Pki());
  server.service().fail_next_calls = 100;
  ClientOptions o = ClientOptionsFor(Pki(), server.target());
  o.max_attempts = 3;
  auto client = MustConnect(o);
  auto result = client->ListCaseVersions(v1::ListCaseVersionsRequest());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(result.status().message(), "scripted failure");
  EXPECT_EQ(server.service().calls(), 3);
}

TEST(ClientCall, OneAttemptMeansNoRetry) {
  FakeServer server(Pki());
  server.service().fail_next_calls = 1;
  ClientOptions o = ClientOptionsFor(Pki(), server.target());
  o.max_attempts = 1;
  auto client = MustConnect(o);
  EXPECT_EQ(client->ListCases(v1::ListCasesRequest()).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(server.service().calls(), 1);
}

TEST(ClientCall, DeadlineAppliesToEveryCall) {
  FakeServer server(Pki());
  server.service().delay = absl::Seconds(2);
  ClientOptions o = ClientOptionsFor(Pki(), server.target());
  o.deadline = absl::Milliseconds(300);
  auto client = MustConnect(o);
  auto start = std::chrono::steady_clock::now();
  auto result = client->ListCases(v1::ListCasesRequest());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_LT(std::chrono::steady_clock::now() - start,
            std::chrono::milliseconds(1500));
}

TEST(ClientCall, ResponsesAboveTheReceiveLimitAreRejected) {
  FakeServer server(Pki());
  server.service().get_title_bytes = 2 << 20;
  ClientOptions o = ClientOptionsFor(Pki(), server.target());
  o.max_receive_message_bytes = 1 << 20;
  auto client = MustConnect(o);
  v1::GetCaseRequest req;
  req.set_case_id("big");
  EXPECT_EQ(client->GetCase(req).status().code(),
            absl::StatusCode::kResourceExhausted);

  o.max_receive_message_bytes = 4 << 20;
  auto roomy = MustConnect(o);
  auto c = roomy->GetCase(req);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->title().size(), size_t{2 << 20});
}

TEST(ClientCall, ServerNameOverrideChecksTheGivenName) {
  TestPki pki = MakeTestPki("caselink.test");  // cert names only that
  FakeServer server(pki);
  ClientOptions o = ClientOptionsFor(pki, server.target());
  o.max_attempts = 1;
  auto without = MustConnect(o);
  EXPECT_EQ(without->ListCases(v1::ListCasesRequest()).status().code(),
            absl::StatusCode::kUnavailable);

  o.server_name_override = "caselink.test";
  auto with = MustConnect(o);
  auto result = with->ListCases(v1::ListCasesRequest());
  EXPECT_TRUE(result.ok()) << result.status();
}

// Every service whose calls are idempotent (reads, writes with a
// request_id) retries a server that is restarting — UNAVAILABLE, or
// CANCELLED when it stopped with the call in flight — not only CaseService;
// a backup is not taken twice.
TEST(ClientCall, EveryIdempotentServiceRetriesARestartingServer) {
  FakeServer server(Pki());
  ClientOptions o = ClientOptionsFor(Pki(), server.target());
  o.max_attempts = 4;
  auto client = MustConnect(o);
  struct Call {
    const char* method;
    std::function<absl::Status()> run;
  };
  v1::CreateMeetingRequest meeting;
  meeting.set_request_id("m-1");
  const std::vector<Call> calls = {
      {"/caselink.v1.MeetingService/ListMeetings", [&] { return client->ListMeetings({}).status(); }},
      {"/caselink.v1.MeetingService/CreateMeeting", [&] { return client->CreateMeeting(meeting).status(); }},
      {"/caselink.v1.ScreeningService/ListHits", [&] { return client->ListHits({}).status(); }},
      {"/caselink.v1.OversightService/ListCampaigns", [&] { return client->ListCampaigns({}).status(); }},
      {"/caselink.v1.ReportService/GetJointMeetingReport",
       [&] { return client->GetJointMeetingReport({}).status(); }},
      {"/caselink.v1.DocumentService/List", [&] { return client->ListDocuments({}).status(); }},
      {"/caselink.v1.DocumentService/Get", [&] { return client->GetDocument({}).status(); }},
      {"/caselink.v1.AdminService/GetStats", [&] { return client->GetStats().status(); }},
  };
  int round = 0;
  for (grpc::StatusCode code : {grpc::StatusCode::UNAVAILABLE, grpc::StatusCode::CANCELLED}) {
    ++round;
    server.others().fail_code = code;
    for (const Call& c : calls) {
      SCOPED_TRACE(c.method);
      server.others().fail_next_calls = 2;
      absl::Status s = c.run();
      EXPECT_TRUE(s.ok()) << s;
      EXPECT_EQ(server.others().calls(c.method), 3 * round) << "two failures, then the answer";
    }
  }
  server.others().fail_code = grpc::StatusCode::UNAVAILABLE;
  server.others().fail_next_calls = 1;
  EXPECT_EQ(client->Backup({}, absl::Seconds(5)).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(server.others().calls("/caselink.v1.AdminService/Backup"), 1);
}

// A server stopping cancels the event streams still open: the stream ends
// CANCELLED although this caller cancelled nothing. Watch reconnects then,
// as after UNAVAILABLE.
TEST(ClientCall, WatchReconnectsAfterTheServerCancelsItsStream) {
  FakeServer server(Pki());
  auto client = MustConnect(ClientOptionsFor(Pki(), server.target()));
  server.others().fail_code = grpc::StatusCode::CANCELLED;
  server.others().fail_next_calls = 2;
  WatchOptions w;
  w.initial_backoff = absl::Milliseconds(10);
  w.max_consecutive_failures = 5;
  int events = 0;
  absl::Status s = client->Watch(w, [&](const v1::Event&) {
    ++events;
    return false;  // the first event is enough
  });
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(events, 1);
  EXPECT_EQ(server.others().calls("/caselink.v1.EventService/Watch"), 3);
}

TEST(ClientCall, ServerRejectsAClientCertificateFromAnotherCa) {
  FakeServer server(Pki());
  TestPki other = MakeTestPki();
  ClientOptions o = ClientOptionsFor(Pki(), server.target());
  o.cert_pem = other.client_cert_pem;
  o.key_pem = other.client_key_pem;
  o.max_attempts = 1;
  auto client = MustConnect(o);
  EXPECT_EQ(client->ListCases(v1::ListCasesRequest()).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(server.service().calls(), 0);
}

TEST(ClientCall, ListsAndChannelAreUsable) {
  FakeServer server(Pki());
  server.service().list_total = 3;
  auto client = MustConnect(ClientOptionsFor(Pki(), server.target()));
  v1::ListCasesRequest req;
  req.set_page_size(2);
  auto page = client->ListCases(req);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->cases_size(), 2);
  EXPECT_EQ(page->next_page_token(), "2");
  v1::ListCaseVersionsRequest vreq;
  vreq.set_case_id("c1");
  auto versions = client->ListCaseVersions(vreq);
  ASSERT_TRUE(versions.ok()) << versions.status();
  EXPECT_EQ(versions->versions_size(), 3);

  // A raw stub on channel() shares the TLS identity.
  auto stub = v1::CaseService::NewStub(client->channel());
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::ListCasesResponse raw;
  EXPECT_TRUE(stub->ListCases(&ctx, req, &raw).ok());
}

TEST(ClientCall, ConcurrentCallsOnOneClient) {
  FakeServer server(Pki());
  auto client = MustConnect(ClientOptionsFor(Pki(), server.target()));
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        if (client->SubmitCase(SomeCase()).ok()) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 40);
  std::set<std::string> ids;
  for (const auto& s : server.service().submits()) ids.insert(s.request_id());
  EXPECT_EQ(ids.size(), 40u);
}

}  // namespace
}  // namespace caselink
