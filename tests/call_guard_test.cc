// CallGuard (server/call_guard.h) without a server: the example policy, a
// scope made as Admit would make it, and responses built by hand. Shows that
// invisible rows are removed from lists and answered NOT_FOUND exactly like a
// missing case, that fields are redacted in place wherever a Case sits, that
// reading another agency's case needs a purpose, that unknown fields never
// leave, what the access record learns, and that a call without a verified
// certificate is refused before anything else.
#include "server/core/call_guard.h"

#include <tuple>

#include "caselink/v1/audit.pb.h"
#include "caselink/v1/case_service.pb.h"
#include "caselink/v1/document.pb.h"
#include "caselink/v1/meeting.pb.h"
#include "caselink/v1/oversight.pb.h"
#include "caselink/v1/workflow.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/server_context.h"
#include "gtest/gtest.h"
#include "server/core/server_metrics.h"

#ifndef CASELINK_SOURCE_DIR
#error "CASELINK_SOURCE_DIR must be defined"
#endif

namespace caselink::server {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kGet[] = "caselink.v1.CaseService/GetCase";
constexpr char kSubmit[] = "caselink.v1.CaseService/SubmitCase";

class CallGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto holder = auth::PolicyHolder::Load(CASELINK_SOURCE_DIR "/certs-example/policy.textproto");
    ASSERT_TRUE(holder.ok()) << holder.status();
    policy_ = *std::move(holder);
    guard_ = std::make_unique<CallGuard>(policy_.get(), &facts_);
  }

  // The scope Admit returns for a caller with this agency's certificate.
  CallScope Scope(const std::string& agency, const std::string& method) {
    CallScope scope;
    scope.method = method;
    scope.authz = policy_->Current();
    auth::PeerIdentity peer;
    peer.uri_sans = {"caselink://agency/" + agency};
    peer.fingerprint_sha256 = "ab12";
    auto p = scope.authz->Authenticate(peer);
    EXPECT_TRUE(p.ok()) << p.status();
    if (p.ok()) scope.principal = *p;
    return scope;
  }

  static v1::Case Case(const std::string& id, const std::string& owner, v1::Domain domain) {
    v1::Case c;
    c.set_case_id(id);
    c.set_owner_agency(owner);
    c.set_domain(domain);
    c.set_title("无照经营");
    auto* person = c.add_parties()->mutable_person();
    person->set_name("张三");
    person->set_id_number("510105199001011237");
    return c;
  }

  CaseOnlyRowFacts facts_;
  std::unique_ptr<auth::PolicyHolder> policy_;
  std::unique_ptr<CallGuard> guard_;
};

TEST_F(CallGuardTest, ACallWithoutAVerifiedCertificateIsUnauthenticatedAndRecorded) {
  grpc::ServerContext ctx;  // no call behind it: no auth context at all
  AccessRecord record;
  auto scope = guard_->Admit(ctx, kGet, &record);
  ASSERT_EQ(scope.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(scope.status().message(), HasSubstr("certificate"));
  EXPECT_EQ(record.method, kGet);
  EXPECT_EQ(record.agency_id, "");
  EXPECT_EQ(record.denied_by, deny_rule::kNoClientCertificate);
  // Also without a record to fill.
  EXPECT_EQ(guard_->Admit(ctx, kGet, nullptr).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(CallGuardTest, WithoutARevocationWatchRevocationIsNotChecked) {
  grpc::ServerContext ctx;
  EXPECT_TRUE(guard_->CheckRevocation(ctx).ok());
}

TEST_F(CallGuardTest, VisibleFollowsThePolicyRowRules) {
  CallScope town = Scope("town-a", kGet);
  EXPECT_TRUE(guard_->Visible(town, Case("C-1", "town-a", v1::MARKET_ORDER)));
  EXPECT_FALSE(guard_->Visible(town, Case("C-2", "market", v1::MARKET_ORDER)));
  CallScope proc = Scope("procuratorate", kGet);
  EXPECT_TRUE(guard_->Visible(proc, Case("C-3", "town-a", v1::CAMPUS_SAFETY)));
}

TEST_F(CallGuardTest, AnInvisibleSingleCaseIsNotFoundExactlyLikeAMissingOne) {
  CallScope town = Scope("town-a", kGet);
  v1::GetCaseRequest req;
  req.set_case_id("C-2");
  req.set_purpose("核查");
  v1::Case response = Case("C-2", "market", v1::MARKET_ORDER);
  AccessRecord record;
  absl::Status s = guard_->FilterResponse(town, req, &response, &record);
  EXPECT_EQ(s, CaseNotFound("C-2"));
  EXPECT_THAT(record.case_ids, IsEmpty());
  EXPECT_THAT(record.party_ids, IsEmpty());
}

TEST_F(CallGuardTest, AnInvisibleCaseNestedInAResponseIsNotFound) {
  // A singular Case field inside a response message (not a list).
  CallScope town = Scope("town-a", kGet);
  v1::SubmitCaseResponse response;
  *response.mutable_case_() = Case("C-2", "market", v1::MARKET_ORDER);
  v1::GetCaseRequest req;
  EXPECT_EQ(guard_->FilterResponse(town, req, &response, nullptr), CaseNotFound("C-2"));
}

TEST_F(CallGuardTest, InvisibleRowsAreRemovedFromListsKeepingTheOrderOfTheRest) {
  CallScope town = Scope("town-a", kGet);
  v1::ListCasesResponse response;
  *response.add_cases() = Case("C-1", "town-a", v1::MARKET_ORDER);
  *response.add_cases() = Case("C-2", "market", v1::MARKET_ORDER);
  *response.add_cases() = Case("C-3", "town-a", v1::WORK_SAFETY);
  *response.add_cases() = Case("C-4", "psb", v1::PUBLIC_ORDER);
  v1::ListCasesRequest req;
  AccessRecord record;
  ASSERT_TRUE(guard_->FilterResponse(town, req, &response, &record).ok());
  ASSERT_EQ(response.cases_size(), 2);
  EXPECT_EQ(response.cases(0).case_id(), "C-1");
  EXPECT_EQ(response.cases(1).case_id(), "C-3");
  EXPECT_THAT(record.case_ids, ElementsAre("C-1", "C-3"));
  // Own cases only: no purpose was needed.
  EXPECT_EQ(record.denied_by, "");
}

TEST_F(CallGuardTest, ReadingAnotherAgencysCaseNeedsAPurpose) {
  CallScope psb = Scope("psb", kGet);
  v1::GetCaseRequest req;
  req.set_case_id("C-2");
  v1::Case response = Case("C-2", "market", v1::MARKET_ORDER);
  AccessRecord record;
  absl::Status s = guard_->FilterResponse(psb, req, &response, &record);
  ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("purpose"));
  EXPECT_EQ(record.denied_by, deny_rule::kPurposeRequired);

  // Its own case needs none.
  v1::Case own = Case("C-9", "psb", v1::PUBLIC_ORDER);
  EXPECT_TRUE(guard_->FilterResponse(psb, req, &own, nullptr).ok());
}

TEST_F(CallGuardTest, WithAPurposeTheCaseIsRedactedInPlaceAndTheRecordSaysWhat) {
  CallScope psb = Scope("psb", kGet);
  v1::GetCaseRequest req;
  req.set_case_id("C-2");
  req.set_purpose("核查线索");
  req.set_purpose_case_ref("公安〔2024〕7号");
  v1::Case response = Case("C-2", "market", v1::MARKET_ORDER);
  AccessRecord record;
  ASSERT_TRUE(guard_->FilterResponse(psb, req, &response, &record).ok());
  // The police see other domains' personal ids masked (example policy).
  EXPECT_EQ(response.parties(0).person().id_number(), "510***********1237");
  EXPECT_EQ(response.parties(0).person().name(), "张三");
  EXPECT_THAT(record.case_ids, ElementsAre("C-2"));
  EXPECT_EQ(record.purpose, "核查线索");
  EXPECT_EQ(record.purpose_case_ref, "公安〔2024〕7号");
  EXPECT_EQ(record.fields.masked.count("parties.person.id_number"), 1u);
  // The log keeps (a hash of) the full id, not the masked one.
  EXPECT_THAT(record.party_ids, ElementsAre("510105199001011237"));
}

TEST_F(CallGuardTest, CasesInsideOtherMessagesAreFilteredToo) {
  // Any caselink.v1 message holding Cases, at any depth, gets the same rules.
  CallScope town = Scope("town-a", kGet);
  v1::SearchCasesResponse response;
  *response.add_cases() = Case("C-2", "market", v1::MARKET_ORDER);
  *response.add_cases() = Case("C-1", "town-a", v1::MARKET_ORDER);
  v1::SearchCasesRequest req;
  ASSERT_TRUE(guard_->FilterResponse(town, req, &response, nullptr).ok());
  ASSERT_EQ(response.cases_size(), 1);
  EXPECT_EQ(response.cases(0).case_id(), "C-1");
}

TEST_F(CallGuardTest, EveryCaseIdAnAnswerCarriesIsNamedInTheRecordOnce) {
  // Items name their cases outside any Case message: the filter finds the
  // (caselink.v1.case_ref) fields at any depth, whatever the RPC.
  CallScope police = Scope("psb", "caselink.v1.WorkflowService/ListTransfers");
  AccessRecord record;
  record.case_ids = {"C-1"};  // named before (e.g. a Case of the answer)
  v1::ListTransfersResponse response;
  v1::Transfer* t = response.add_transfers();
  t->add_case_ids("C-1");
  t->add_case_ids("C-2");
  t->mutable_last_transition()->set_linked_case_id("C-3");
  response.add_transfers()->add_case_ids("C-2");
  v1::ListItemsRequest req;
  ASSERT_TRUE(guard_->FilterResponse(police, req, &response, &record).ok());
  EXPECT_THAT(record.case_ids, ElementsAre("C-1", "C-2", "C-3"));

  v1::SampleResponse sample;
  sample.mutable_sample()->add_cases()->set_case_id("C-9");
  sample.mutable_sample()->add_cases()->set_case_id("C-9");
  AccessRecord r2;
  ASSERT_TRUE(guard_->FilterResponse(police, req, &sample, &r2).ok());
  EXPECT_THAT(r2.case_ids, ElementsAre("C-9"));
}

TEST_F(CallGuardTest, TheAccessLogsOwnEntriesAreNotNamedAsReads) {
  // An auditor's answer quotes entries; their case ids are what others read
  // (docs/audit.md): AuditEntry.case_ids is deliberately not case_ref.
  CallScope auditor = Scope("justice", "caselink.v1.AuditService/WhoRead");
  AccessRecord record;
  v1::AuditQueryResponse response;
  response.add_entries()->add_case_ids("C-5");
  v1::WhoReadRequest req;
  ASSERT_TRUE(guard_->FilterResponse(auditor, req, &response, &record).ok());
  EXPECT_THAT(record.case_ids, IsEmpty());
}

TEST_F(CallGuardTest, IdentifiersTypedIntoTitlesAndReferencesOutsideACaseAreMasked) {
  // Text users type outside a Case (a meeting's title, a step's or a
  // document's reference number) may quote a party: it gets the caller's
  // decision for another agency's case, as GetCase would answer.
  const std::string id = "510105199001011237";
  auto filled = [&] {
    v1::GetMeetingResponse m;
    m.mutable_meeting()->set_title("关于张三(" + id + ")案的会商");
    v1::GetTransferResponse t;
    t.add_history()->set_reference("笔录" + id);
    v1::GetDocumentResponse d;
    d.mutable_document()->set_reference("卷" + id);
    return std::make_tuple(m, t, d);
  };
  for (const char* agency : {"government", "justice", "town-a"}) {
    auto [m, t, d] = filled();
    ASSERT_TRUE(guard_->FilterResponse(Scope(agency, "caselink.v1.MeetingService/GetMeeting"), v1::GetMeetingRequest(),
                                       &m, nullptr).ok());
    ASSERT_TRUE(guard_->FilterResponse(Scope(agency, "caselink.v1.WorkflowService/GetTransfer"), v1::GetItemRequest(),
                                       &t, nullptr).ok());
    ASSERT_TRUE(guard_->FilterResponse(Scope(agency, "caselink.v1.DocumentService/Get"), v1::GetDocumentRequest(),
                                       &d, nullptr).ok());
    for (const std::string& text : {m.meeting().title(), t.history(0).reference(), d.document().reference()}) {
      EXPECT_THAT(text, ::testing::Not(HasSubstr(id))) << agency;
      EXPECT_THAT(text, ::testing::Not(HasSubstr("0101"))) << agency << ": " << text;
    }
  }
  auto [m, t, d] = filled();  // the procuratorate reads numbers in full
  ASSERT_TRUE(guard_->FilterResponse(Scope("procuratorate", "caselink.v1.MeetingService/GetMeeting"),
                                     v1::GetMeetingRequest(), &m, nullptr).ok());
  EXPECT_THAT(m.meeting().title(), HasSubstr(id));
}

TEST_F(CallGuardTest, UnknownFieldsNeverLeave) {
  CallScope town = Scope("town-a", kGet);
  v1::Case response = Case("C-1", "town-a", v1::MARKET_ORDER);
  response.GetReflection()->MutableUnknownFields(&response)->AddVarint(9999, 42);
  ASSERT_FALSE(response.GetReflection()->GetUnknownFields(response).empty());
  v1::GetCaseRequest req;
  ASSERT_TRUE(guard_->FilterResponse(town, req, &response, nullptr).ok());
  EXPECT_TRUE(response.GetReflection()->GetUnknownFields(response).empty());
}

TEST_F(CallGuardTest, AFieldTheCallerMayNotWriteIsRefusedAndRecorded) {
  CallScope town = Scope("town-a", kSubmit);
  AccessRecord record;
  town.record = &record;
  v1::Case c = Case("", "town-a", v1::WORK_SAFETY);
  EXPECT_TRUE(guard_->CheckWritable(town, c).ok());
  EXPECT_EQ(record.denied_by, "");
  c.set_major(true);
  absl::Status s = guard_->CheckWritable(town, c);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(s.message(), HasSubstr("major"));
  EXPECT_EQ(record.denied_by, deny_rule::kFieldNotWritable);
}

TEST(NoteRequestTest, RecordsWhatTheRequestNamesByReflection) {
  v1::GetCaseRequest get;
  get.set_case_id("C-7");
  get.set_purpose("核查");
  get.set_purpose_case_ref("REF-1");
  AccessRecord record;
  NoteRequest(get, &record);
  EXPECT_EQ(record.requested_case_id, "C-7");
  EXPECT_EQ(record.purpose, "核查");
  EXPECT_EQ(record.purpose_case_ref, "REF-1");
  EXPECT_EQ(record.searched_party_id, "");

  v1::SearchCasesRequest search;
  search.set_party_id("510105199001011237");
  AccessRecord r2;
  NoteRequest(search, &r2);
  EXPECT_EQ(r2.searched_party_id, "510105199001011237");
  EXPECT_EQ(r2.requested_case_id, "");
}

TEST(CaseNotFoundTest, NamesTheCase) {
  absl::Status s = CaseNotFound("C-42");
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(s.message(), HasSubstr("'C-42'"));
}

}  // namespace
}  // namespace caselink::server
