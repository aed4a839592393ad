// Closed-world messages and the server's door (issue 13, items 1, 5/10, 7, 12),
// through the real mTLS server:
//   - a request carrying fields the server does not know (what a client built
//     from a newer .proto sends, or a submitter smuggling data) is stored and
//     returned without them, to every reader and through every read RPC;
//     responses drop unknown fields even from data stored before that rule;
//   - bytes that do not parse as the request message get INVALID_ARGUMENT
//     naming the expected type, and are in the access log like any refusal
//     (unary methods and the Watch stream);
//   - a second server on a busy port fails to start, naming the port;
//   - the per-agency in-flight limit counts the agency the certificate
//     matched: two certificates of one agency share it.
#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "auth/policy_holder.h"
#include "caselink/v1/audit.pb.h"
#include "caselink/v1/case_service.pb.h"
#include "caselink/v1/workflow.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/unknown_field_set.h"
#include "google/protobuf/util/time_util.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/impl/rpc_method.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "grpcpp/support/proto_buffer_writer.h"
#include "grpcpp/support/sync_stream.h"
#include "gtest/gtest.h"
#include "server/core/call_guard.h"
#include "server/caselink_server.h"
#include "server/core/row_facts.h"
#include "server/server_config.h"
#include "support/temp_dir.h"
#include "support/test_district.h"
#include <grpcpp/channel.h>

namespace caselink::testing {
namespace {

using ::testing::HasSubstr;

// A value nobody may ever see back: the payload of the unknown fields.
constexpr char kSmuggled[] = "SMUGGLED-走私-510181198503121235";

// Adds unknown fields (a field number caselink does not define) to `m`.
void AddUnknown(google::protobuf::Message* m) {
  google::protobuf::UnknownFieldSet* u = m->GetReflection()->MutableUnknownFields(m);
  u->AddLengthDelimited(4242, kSmuggled);
  u->AddVarint(4243, 7);
}

grpc::ByteBuffer Bytes(const std::string& s) {
  grpc::Slice slice(s);
  return grpc::ByteBuffer(&slice, 1);
}

std::string Flatten(const grpc::ByteBuffer& bb) {
  std::vector<grpc::Slice> slices;
  if (!bb.Dump(&slices).ok()) return "";
  std::string out;
  for (const auto& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

struct RawAnswer {
  grpc::Status status;
  std::string bytes;  // the response as sent on the wire
};

// One unary call with raw request bytes through gRPC's generic stub.
RawAnswer CallRaw(Client& client, const std::string& path, const std::string& request) {
  grpc::GenericStub stub(client.channel());
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::ByteBuffer in = Bytes(request), out;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  RawAnswer answer;
  stub.UnaryCall(&ctx, path, grpc::StubOptions(), &in, &out, [&](grpc::Status s) {
    std::lock_guard<std::mutex> l(mu);
    answer.status = s;
    done = true;
    cv.notify_one();
  });
  std::unique_lock<std::mutex> l(mu);
  cv.wait(l, [&] { return done; });
  answer.bytes = Flatten(out);
  return answer;
}

// Opens a Watch stream with raw request bytes; returns every message's bytes.
grpc::Status WatchRaw(Client& client, const std::string& request, std::vector<std::string>* messages,
                      std::chrono::milliseconds window = std::chrono::milliseconds(700)) {
  grpc::internal::RpcMethod method("/caselink.v1.EventService/Watch",
                                   grpc::internal::RpcMethod::SERVER_STREAMING);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + window);
  grpc::ByteBuffer in = Bytes(request);
  std::unique_ptr<grpc::ClientReader<grpc::ByteBuffer>> reader(
      grpc::internal::ClientReaderFactory<grpc::ByteBuffer>::Create(client.channel().get(), method, &ctx, in));
  grpc::ByteBuffer msg;
  while (reader->Read(&msg)) messages->push_back(Flatten(msg));
  return reader->Finish();
}

// Access-log entries of `agency` for `method` since `from` (asked as justice).
std::vector<v1::AuditEntry> LogOf(TestDistrict& d, const std::string& agency, const std::string& method,
                                  absl::Time from) {
  v1::AgencyAccessRequest q;
  q.set_agency_id(agency);
  q.set_limit(1000);
  *q.mutable_from() = google::protobuf::util::TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(from));
  auto r = d.As("justice").AgencyAccess(q);
  EXPECT_TRUE(r.ok()) << r.status();
  std::vector<v1::AuditEntry> out;
  if (!r.ok()) return out;
  for (const auto& e : r->entries()) if (e.method() == method) out.push_back(e);
  return out;
}

TEST(ClosedWorldTest, UnknownFieldsAreNeitherStoredNorReturnedToAnyReader) {
  auto d = TestDistrict::Start();
  ASSERT_TRUE(d.ok()) << d.status();
  TestDistrict& district = **d;

  // market submits a case whose request, case and party all carry unknown fields.
  v1::SubmitCaseRequest submit;
  *submit.mutable_case_() = SampleCase(v1::MARKET_ORDER, "未知字段");
  submit.set_request_id("closed-world-1");
  AddUnknown(&submit);
  AddUnknown(submit.mutable_case_());
  AddUnknown(submit.mutable_case_()->mutable_parties(0));
  const std::string wire = submit.SerializeAsString();
  ASSERT_TRUE(absl::StrContains(wire, kSmuggled));
  RawAnswer created = CallRaw(district.As("market"), "/caselink.v1.CaseService/SubmitCase", wire);
  ASSERT_TRUE(created.status.ok()) << created.status.error_message();
  EXPECT_FALSE(absl::StrContains(created.bytes, kSmuggled)) << "SubmitCase echoed the unknown field";
  v1::SubmitCaseResponse submitted;
  ASSERT_TRUE(submitted.ParseFromString(created.bytes));
  const std::string id = submitted.case_().case_id();
  ASSERT_FALSE(id.empty());
  // The server never saw the unknown fields: the same request without them
  // is a replay of the first (same request digest), not a different request.
  v1::SubmitCaseRequest clean = submit;
  clean.DiscardUnknownFields();
  RawAnswer replay = CallRaw(district.As("market"), "/caselink.v1.CaseService/SubmitCase",
                             clean.SerializeAsString());
  ASSERT_TRUE(replay.status.ok()) << replay.status.error_message();
  v1::SubmitCaseResponse replayed;
  ASSERT_TRUE(replayed.ParseFromString(replay.bytes));
  EXPECT_EQ(replayed.case_().case_id(), id);
  EXPECT_EQ(replayed.case_().version(), 1);
  EXPECT_TRUE(replayed.replayed());

  // A forward transfer puts the case into psb's event stream as well.
  v1::CreateTransferRequest t;
  t.set_direction(v1::TRANSFER_FORWARD);
  caselink::testing::AddTransferMaterials(&t);
  t.set_receiver_agency("psb");
  t.set_case_id(id);
  t.set_subject("涉嫌生产、销售伪劣产品罪");
  t.add_materials()->set_title("移送书");
  t.set_request_id("closed-world-transfer");
  AddUnknown(&t);
  RawAnswer transfer =
      CallRaw(district.As("market"), "/caselink.v1.WorkflowService/CreateTransfer", t.SerializeAsString());
  ASSERT_TRUE(transfer.status.ok()) << transfer.status.error_message();
  EXPECT_FALSE(absl::StrContains(transfer.bytes, kSmuggled));

  // Every reader, every read RPC: the case comes back, never the field.
  int answers_with_the_case = 0;
  for (const char* agency : {"market", "psb", "justice", "procuratorate"}) {
    v1::GetCaseRequest get;
    get.set_case_id(id);
    get.set_purpose("closed world");
    v1::ListCasesRequest list;
    list.set_purpose("closed world");
    v1::ListCaseVersionsRequest versions;
    versions.set_case_id(id);
    versions.set_purpose("closed world");
    v1::SearchCasesRequest search;
    search.set_party_id("510181198503121235");
    search.set_purpose("closed world");
    v1::GetItemRequest get_transfer;
    v1::TransferResponse tr;
    ASSERT_TRUE(tr.ParseFromString(transfer.bytes));
    get_transfer.set_id(tr.transfer().id());
    const std::pair<const char*, std::string> reads[] = {
        {"/caselink.v1.CaseService/GetCase", get.SerializeAsString()},
        {"/caselink.v1.CaseService/ListCases", list.SerializeAsString()},
        {"/caselink.v1.CaseService/ListCaseVersions", versions.SerializeAsString()},
        {"/caselink.v1.CaseService/SearchCases", search.SerializeAsString()},
        {"/caselink.v1.WorkflowService/GetTransfer", get_transfer.SerializeAsString()},
    };
    for (const auto& [path, request] : reads) {
      RawAnswer a = CallRaw(district.As(agency), path, request);
      EXPECT_FALSE(absl::StrContains(a.bytes, kSmuggled)) << agency << " " << path;
      EXPECT_FALSE(absl::StrContains(a.status.error_message(), kSmuggled)) << agency << " " << path;
      if (a.status.ok() && absl::StrContains(a.bytes, id)) ++answers_with_the_case;
    }
    // The event stream (psb receives the transfer's case).
    v1::WatchRequest watch;
    watch.set_purpose("closed world");
    AddUnknown(&watch);
    std::vector<std::string> events;
    grpc::Status s = WatchRaw(district.As(agency), watch.SerializeAsString(), &events);
    EXPECT_TRUE(s.ok() || s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
                s.error_code() == grpc::StatusCode::PERMISSION_DENIED)
        << agency << ": " << s.error_message();
    for (const std::string& e : events) {
      EXPECT_FALSE(absl::StrContains(e, kSmuggled)) << agency << " Watch";
      if (absl::StrContains(e, id)) ++answers_with_the_case;
    }
  }
  // Not vacuous: the case was read many times.
  EXPECT_GE(answers_with_the_case, 10);
}

// Data stored before requests were closed may still hold unknown fields: the
// one response path (CallGuard::FilterResponse) drops them from every Case.
TEST(ClosedWorldTest, ResponsesDropUnknownFieldsOfStoredData) {
  TempDir dir;
  const std::string policy = dir.Join("policy.textproto");
  {
    std::ofstream(policy) << TestDistrict::ExamplePolicyText();
  }
  auto holder = auth::PolicyHolder::Load(policy);
  ASSERT_TRUE(holder.ok()) << holder.status();
  server::CaseOnlyRowFacts facts;
  server::CallGuard guard(holder->get(), &facts);
  server::CallScope scope;
  scope.method = "caselink.v1.CaseService/ListCases";
  scope.authz = (*holder)->Current();
  auth::PeerIdentity peer;
  peer.uri_sans = {"caselink://agency/market"};
  auto principal = scope.authz->Authenticate(peer);
  ASSERT_TRUE(principal.ok()) << principal.status();
  scope.principal = *principal;

  v1::ListCasesResponse resp;
  v1::Case* c = resp.add_cases();
  *c = SampleCase(v1::MARKET_ORDER, "旧数据");
  c->set_case_id("old-1");
  c->set_owner_agency("market");
  AddUnknown(c);
  AddUnknown(c->mutable_parties(0));
  AddUnknown(&resp);
  ASSERT_TRUE(absl::StrContains(resp.SerializeAsString(), kSmuggled));
  v1::ListCasesRequest req;
  ASSERT_TRUE(guard.FilterResponse(scope, req, &resp, nullptr).ok());
  ASSERT_EQ(resp.cases_size(), 1);
  EXPECT_FALSE(absl::StrContains(resp.SerializeAsString(), kSmuggled));
}

TEST(ClosedWorldTest, UndecodableRequestsAreRefusedNamingTheTypeAndLogged) {
  auto d = TestDistrict::Start();
  ASSERT_TRUE(d.ok()) << d.status();
  TestDistrict& district = **d;
  const absl::Time start = absl::Now() - absl::Seconds(1);
  // A truncated length-delimited field: not a GetCaseRequest (nor anything).
  const std::string garbage("\x0a\x7f\x01\x02", 4);
  RawAnswer a = CallRaw(district.As("psb"), "/caselink.v1.CaseService/GetCase", garbage);
  EXPECT_EQ(a.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << a.status.error_message();
  EXPECT_THAT(a.status.error_message(), HasSubstr("request is not a valid caselink.v1.GetCaseRequest"));
  EXPECT_TRUE(a.bytes.empty());
  // Invalid UTF-8 in a string field does not parse either. (Each refusal
  // from its own certificate: refusals may be rate-limited per certificate.)
  RawAnswer b = CallRaw(district.As("market"), "/caselink.v1.CaseService/GetCase", std::string("\x0a\x02\xff\xfe", 4));
  EXPECT_EQ(b.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << b.status.error_message();
  // The Watch stream too.
  std::vector<std::string> events;
  grpc::Status w = WatchRaw(district.As("procuratorate"), garbage, &events, std::chrono::milliseconds(3000));
  EXPECT_EQ(w.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << w.error_message();
  EXPECT_THAT(w.error_message(), HasSubstr("request is not a valid caselink.v1.WatchRequest"));
  EXPECT_TRUE(events.empty());

  // Each refusal is in the access log, with the caller's agency.
  for (const char* agency : {"psb", "market"}) {
    int refused = 0;
    for (const auto& e : LogOf(district, agency, "caselink.v1.CaseService/GetCase", start)) {
      refused += e.status_code() == 3 ? 1 : 0;  // INVALID_ARGUMENT
    }
    EXPECT_EQ(refused, 1) << agency;
  }
  auto watches = LogOf(district, "procuratorate", "caselink.v1.EventService/Watch", start);
  ASSERT_EQ(watches.size(), 1u);
  EXPECT_EQ(watches[0].status_code(), 3);
}

TEST(ClosedWorldTest, ASecondServerOnABusyPortFailsNamingThePort) {
  auto d = TestDistrict::Start();
  ASSERT_TRUE(d.ok()) << d.status();
  auto cfg = server::LoadServerConfig((*d)->config_path());
  ASSERT_TRUE(cfg.ok()) << cfg.status();
  TempDir other;  // another database: exactly the dangerous case
  const int port = (*d)->server().port();
  cfg->set_db_path(other.Join("db"));
  cfg->set_listen_address(absl::StrCat("127.0.0.1:", port));
  cfg->mutable_admin()->set_listen_address("off");
  auto second = server::CaselinkServer::Start(*cfg);
  ASSERT_FALSE(second.ok()) << "a second server started on busy port " << port;
  EXPECT_THAT(std::string(second.status().message()), HasSubstr(absl::StrCat(":", port)));
  // The first server still serves every call.
  EXPECT_TRUE((*d)->As("market").SubmitCase(SampleCase()).ok());
}

TEST(ClosedWorldTest, TheInFlightLimitIsPerMatchedAgencyAcrossItsCertificates) {
  DistrictOptions o;
  o.max_calls_in_flight_per_agency = 3;
  // psb has two certificates (two desks), with different URI SANs.
  o.policy_text = absl::StrReplaceAll(
      TestDistrict::ExamplePolicyText(),
      {{"identities: \"caselink://agency/psb\"",
        "identities: \"caselink://agency/psb\" identities: \"caselink://agency/psb-desk2\""}});
  ASSERT_NE(o.policy_text, TestDistrict::ExamplePolicyText());
  auto d = TestDistrict::Start(o);
  ASSERT_TRUE(d.ok()) << d.status();
  TestDistrict& district = **d;
  CertSpec desk2;
  desk2.common_name = "psb-desk2";
  desk2.uri_sans = {"caselink://agency/psb-desk2"};
  auto kc2 = district.ca().Issue(desk2);
  ASSERT_TRUE(kc2.ok()) << kc2.status();
  auto c2 = district.ClientWith(*kc2, absl::Seconds(20));
  ASSERT_TRUE(c2.ok()) << c2.status();
  auto kc1 = district.AgencyCert("psb");
  ASSERT_TRUE(kc1.ok());
  auto c1 = district.ClientWith(*kc1, absl::Seconds(20));
  ASSERT_TRUE(c1.ok()) << c1.status();
  auto c = district.As("market").SubmitCase(SampleCase());
  ASSERT_TRUE(c.ok()) << c.status();
  v1::GetCaseRequest get;
  get.set_case_id(c->case_().case_id());
  get.set_purpose("flood");
  const absl::Time start = absl::Now() - absl::Seconds(1);

  // Each certificate alone stays within the limit (3 threads each); only
  // counted per agency are they over it.
  std::atomic<int> ok{0}, exhausted{0}, other{0};
  std::string message;
  std::mutex mu;
  std::vector<std::thread> flood;
  for (Client* client : {c1->get(), c2->get()}) {
    for (int t = 0; t < 3; ++t) {
      flood.emplace_back([&, client] {
        // Until a call is refused (more than 3 at the server at once takes
        // timing luck on a fast server), at most 2000 calls a thread.
        for (int i = 0; i < 2000 && (i < 40 || exhausted.load() == 0); ++i) {
          auto r = client->GetCase(get);
          if (r.ok()) {
            ++ok;
          } else if (r.status().code() == absl::StatusCode::kResourceExhausted) {
            ++exhausted;
            std::lock_guard<std::mutex> l(mu);
            message = std::string(r.status().message());
          } else {
            ++other;
          }
        }
      });
    }
  }
  for (auto& t : flood) t.join();
  EXPECT_GT(exhausted.load(), 0) << "two certificates of one agency got twice the limit";
  EXPECT_GT(ok.load(), 0);
  EXPECT_EQ(other.load(), 0);
  EXPECT_THAT(message, HasSubstr("agency 'psb' already has 3 calls in flight"));
  // Refusals are in the access log, under the matched agency (not every one
  // by itself: refusals may be rate-limited, with a count of those suppressed).
  int logged = 0;
  for (const auto& e : LogOf(district, "psb", "caselink.v1.CaseService/GetCase", start)) {
    logged += e.status_code() == 8 ? 1 : 0;  // RESOURCE_EXHAUSTED
  }
  EXPECT_GT(logged, 0);
  // No slot leaked.
  for (int i = 0; i < 5; ++i) EXPECT_TRUE((*c1)->GetCase(get).ok());
}

}  // namespace
}  // namespace caselink::testing
