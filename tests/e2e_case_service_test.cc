// CaseService end to end: the real client library, over real mutual TLS, to a
// real server on a RocksDB in a temp dir.
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "support/test_district.h"
#include <grpcpp/channel.h>
#include "caselink/v1/case_service.grpc.pb.h"

namespace caselink::testing {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;

class CaseServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = TestDistrict::Start();
    ASSERT_TRUE(d.ok()) << d.status();
    district_ = std::move(*d);
  }

  v1::Case Submit(const std::string& agency, const v1::Case& c, int64_t expected = 0) {
    auto r = district_->As(agency).SubmitCase(c, expected);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->case_() : v1::Case();
  }

  int CountVisible(const std::string& agency) {
    v1::ListCasesRequest req;
    req.set_purpose("count");
    auto r = district_->As(agency).ListCases(req);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->cases_size() : -1;
  }

  std::unique_ptr<TestDistrict> district_;
};

TEST_F(CaseServiceTest, SubmitThenGetReturnsWhatWasStored) {
  v1::Case sent = SampleCase();
  v1::Case stored = Submit("market", sent);
  EXPECT_FALSE(stored.case_id().empty());
  EXPECT_EQ(stored.owner_agency(), "market");
  EXPECT_EQ(stored.version(), 1);
  EXPECT_TRUE(stored.has_create_time());

  v1::GetCaseRequest get;
  get.set_case_id(stored.case_id());
  auto got = district_->As("market").GetCase(get);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*got, stored));
  // Everything the client sent came back unchanged (the owner sees all).
  v1::Case content = *got;
  content.clear_case_id();
  content.clear_owner_agency();
  content.clear_version();
  content.clear_create_time();
  content.clear_update_time();
  EXPECT_TRUE(MessageDifferencer::Equals(content, sent)) << content.DebugString();
}

TEST_F(CaseServiceTest, OwnerComesFromCertificateNotFromRequest) {
  v1::Case c = SampleCase();
  c.set_owner_agency("psb");  // a lie; output-only
  c.set_version(42);
  v1::Case stored = Submit("market", c);
  EXPECT_EQ(stored.owner_agency(), "market");
  EXPECT_EQ(stored.version(), 1);
}

TEST_F(CaseServiceTest, NewVersionsKeepEveryOldVersion) {
  v1::Case v1c = Submit("market", SampleCase());
  v1::Case next = v1c;
  next.set_status(v1::DECIDED);
  next.set_title("已决定");
  v1::Case v2c = Submit("market", next, 1);
  EXPECT_EQ(v2c.case_id(), v1c.case_id());
  EXPECT_EQ(v2c.version(), 2);
  EXPECT_TRUE(MessageDifferencer::Equals(v2c.create_time(), v1c.create_time()));

  v1::GetCaseRequest get;
  get.set_case_id(v1c.case_id());
  get.set_version(1);
  auto old = district_->As("market").GetCase(get);
  ASSERT_TRUE(old.ok()) << old.status();
  EXPECT_EQ(old->title(), SampleCase().title());
  EXPECT_EQ(old->status(), v1::INVESTIGATING);

  get.set_version(0);
  auto latest = district_->As("market").GetCase(get);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->version(), 2);
  EXPECT_EQ(latest->title(), "已决定");

  v1::ListCaseVersionsRequest vr;
  vr.set_case_id(v1c.case_id());
  auto versions = district_->As("market").ListCaseVersions(vr);
  ASSERT_TRUE(versions.ok()) << versions.status();
  ASSERT_EQ(versions->versions_size(), 2);
  EXPECT_EQ(versions->versions(0).version(), 1);
  EXPECT_EQ(versions->versions(1).version(), 2);

  get.set_version(3);
  EXPECT_EQ(district_->As("market").GetCase(get).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CaseServiceTest, StaleExpectedVersionIsFailedPreconditionAndStoresNothing) {
  v1::Case c = Submit("market", SampleCase());
  Submit("market", c, 1);
  c.set_title("stale edit");
  auto r = district_->As("market").SubmitCase(c, 1);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("is at version 2"));
  v1::ListCaseVersionsRequest vr;
  vr.set_case_id(c.case_id());
  EXPECT_EQ(district_->As("market").ListCaseVersions(vr)->versions_size(), 2);
}

TEST_F(CaseServiceTest, RetryWithSameRequestIdIsIdempotent) {
  v1::Case c = SampleCase();
  auto first = district_->As("market").SubmitCase(c, 0, "req-1");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->replayed());
  auto again = district_->As("market").SubmitCase(c, 0, "req-1");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->replayed());
  EXPECT_EQ(again->case_().case_id(), first->case_().case_id());
  EXPECT_EQ(CountVisible("market"), 1);

  // The same id with different content is a client bug, not a retry.
  c.set_title("different");
  auto reuse = district_->As("market").SubmitCase(c, 0, "req-1");
  EXPECT_EQ(reuse.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(reuse.status().message()), HasSubstr("request_id"));
  EXPECT_EQ(CountVisible("market"), 1);

  // Request ids are per agency: another agency may use the same one.
  auto other = district_->As("emergency").SubmitCase(SampleCase(v1::WORK_SAFETY), 0, "req-1");
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_FALSE(other->replayed());
}

struct BadCase {
  const char* name;
  std::function<void(v1::SubmitCaseRequest*)> mutate;
  const char* field;
};

class InvalidSubmitTest : public CaseServiceTest,
                          public ::testing::WithParamInterface<BadCase> {};

TEST_P(InvalidSubmitTest, IsInvalidArgumentNamingTheFieldAndStoresNothing) {
  v1::SubmitCaseRequest req;
  req.set_request_id("bad-1");
  *req.mutable_case_() = SampleCase();
  GetParam().mutate(&req);
  auto r = district_->As("market").SubmitCase(req);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  EXPECT_THAT(std::string(r.status().message()), HasSubstr(GetParam().field));
  EXPECT_EQ(CountVisible("market"), 0);
}

INSTANTIATE_TEST_SUITE_P(
    Fields, InvalidSubmitTest,
    ::testing::Values(
        BadCase{"MissingCase", [](auto* r) { r->clear_case_(); }, "case"},
        BadCase{"MissingDomain", [](auto* r) { r->mutable_case_()->clear_domain(); }, "case.domain"},
        BadCase{"UnknownDomain", [](auto* r) { r->mutable_case_()->set_domain(static_cast<v1::Domain>(99)); }, "case.domain"},
        BadCase{"MissingTitle", [](auto* r) { r->mutable_case_()->clear_title(); }, "case.title"},
        BadCase{"MissingStatus", [](auto* r) { r->mutable_case_()->clear_status(); }, "case.status"},
        BadCase{"BadIdNumber", [](auto* r) { r->mutable_case_()->mutable_parties(0)->mutable_person()->set_id_number("510181198503121234"); }, "case.parties[0].person.id_number"},
        BadCase{"BadCreditCode", [](auto* r) { r->mutable_case_()->mutable_parties(1)->mutable_organization()->set_credit_code("91510181MA6C12341F"); }, "case.parties[1].organization.credit_code"},
        BadCase{"PartyWithoutKind", [](auto* r) { r->mutable_case_()->add_parties()->set_role("x"); }, "case.parties[2]"},
        BadCase{"NegativeAmount", [](auto* r) { r->mutable_case_()->mutable_penalty()->set_amount_fen(-1); }, "case.penalty.amount_fen"},
        BadCase{"BadDate", [](auto* r) { r->mutable_case_()->mutable_penalty()->set_decision_date("2024-13-01"); }, "case.penalty.decision_date"},
        BadCase{"BadRequestId", [](auto* r) { r->set_request_id("has space"); }, "request_id"},
        BadCase{"CaseIdOnCreate", [](auto* r) { r->mutable_case_()->set_case_id("C1"); }, "case.case_id"},
        BadCase{"NegativeExpectedVersion", [](auto* r) { r->set_expected_version(-1); }, "expected_version"},
        BadCase{"UpdateWithoutCaseId", [](auto* r) { r->set_expected_version(1); }, "case.case_id"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(CaseServiceTest, GetValidatesItsRequest) {
  v1::GetCaseRequest get;
  auto r = district_->As("market").GetCase(get);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("case_id"));
  get.set_case_id("C1");
  get.set_version(-2);
  r = district_->As("market").GetCase(get);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("version"));
}

TEST_F(CaseServiceTest, MissingCaseIsNotFound) {
  v1::GetCaseRequest get;
  get.set_case_id("C20240101-NOSUCHCASE00");
  EXPECT_EQ(district_->As("market").GetCase(get).status().code(), absl::StatusCode::kNotFound);
  v1::Case c = SampleCase();
  c.set_case_id("C20240101-NOSUCHCASE00");
  EXPECT_EQ(district_->As("market").SubmitCase(c, 1).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CaseServiceTest, OnlyTheOwnerSubmitsNewVersions) {
  v1::Case c = Submit("market", SampleCase());
  // The police can read the case, so they are told why they cannot write it.
  auto psb = district_->As("psb").SubmitCase(c, 1);
  EXPECT_EQ(psb.status().code(), absl::StatusCode::kPermissionDenied) << psb.status();
  // Another enforcement agency cannot even see it: NOT_FOUND, as if absent.
  auto other = district_->As("emergency").SubmitCase(c, 1);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kNotFound) << other.status();
  v1::ListCaseVersionsRequest vr;
  vr.set_case_id(c.case_id());
  EXPECT_EQ(district_->As("market").ListCaseVersions(vr)->versions_size(), 1);
}

TEST_F(CaseServiceTest, ListPagesCoverEveryCaseOnce) {
  std::set<std::string> ids;
  for (int i = 0; i < 7; ++i) ids.insert(Submit("market", SampleCase(v1::MARKET_ORDER, absl::StrCat("案", i))).case_id());
  std::set<std::string> seen;
  v1::ListCasesRequest req;
  req.set_page_size(3);
  int pages = 0;
  do {
    auto r = district_->As("market").ListCases(req);
    ASSERT_TRUE(r.ok()) << r.status();
    for (const auto& c : r->cases()) EXPECT_TRUE(seen.insert(c.case_id()).second) << "repeated";
    req.set_page_token(r->next_page_token());
    ++pages;
  } while (!req.page_token().empty() && pages < 10);
  EXPECT_EQ(seen, ids);
  EXPECT_EQ(pages, 3);
}

TEST_F(CaseServiceTest, PageTokenIsBoundToItsQuery) {
  for (int i = 0; i < 3; ++i) Submit("market", SampleCase());
  v1::ListCasesRequest req;
  req.set_page_size(1);
  auto r = district_->As("market").ListCases(req);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->next_page_token().empty());
  req.set_page_token(r->next_page_token());
  req.set_domain(v1::WORK_SAFETY);
  auto other = district_->As("market").ListCases(req);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(other.status().message()), HasSubstr("page_token"));
  req.set_page_token("garbage!");
  EXPECT_EQ(district_->As("market").ListCases(req).status().code(), absl::StatusCode::kInvalidArgument);
  req.clear_page_token();
  req.set_page_size(100000);
  auto big = district_->As("market").ListCases(req);
  EXPECT_EQ(big.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(big.status().message()), HasSubstr("page_size"));
}

TEST_F(CaseServiceTest, DataSurvivesARestart) {
  v1::Case c = Submit("market", SampleCase());
  Submit("market", c, 1);
  ASSERT_TRUE(district_->Restart().ok());
  v1::ListCaseVersionsRequest vr;
  vr.set_case_id(c.case_id());
  auto versions = district_->As("market").ListCaseVersions(vr);
  ASSERT_TRUE(versions.ok()) << versions.status();
  EXPECT_EQ(versions->versions_size(), 2);
  // The idempotency record survives too.
  v1::SubmitCaseRequest req;
  req.set_request_id("after-restart");
  *req.mutable_case_() = SampleCase();
  auto a = district_->As("market").SubmitCase(req);
  ASSERT_TRUE(district_->Restart().ok());
  auto b = district_->As("market").SubmitCase(req);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(b->replayed());
  EXPECT_EQ(a->case_().case_id(), b->case_().case_id());
}

TEST_F(CaseServiceTest, OversizedMessageIsRefusedAndStoresNothing) {
  v1::Case c = SampleCase();
  c.set_facts(std::string(2 << 20, 'x'));  // over the 1 MiB test limit
  auto r = district_->As("market").SubmitCase(c);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted) << r.status();
  EXPECT_EQ(CountVisible("market"), 0);
  // The server is still serving.
  EXPECT_TRUE(district_->As("market").SubmitCase(SampleCase()).ok());
}

TEST_F(CaseServiceTest, AgencyWithoutWriteRuleCannotSubmit) {
  auto r = district_->As("procuratorate").SubmitCase(SampleCase());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("SubmitCase"));
}

TEST_F(CaseServiceTest, FieldsARoleMayNotSetAreRefused) {
  v1::Case c = SampleCase();
  c.set_major(true);
  auto r = district_->As("town-a").SubmitCase(c);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("'major'"));
  EXPECT_EQ(CountVisible("town-a"), 0);
  c.set_major(false);
  EXPECT_TRUE(district_->As("town-a").SubmitCase(c).ok());
}

// Every answer, success or error, carries a request id in trailing metadata
// that the server's log line also shows.
TEST_F(CaseServiceTest, EveryAnswerCarriesARequestId) {
  auto stub = v1::CaseService::NewStub(district_->As("market").channel());
  std::set<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::GetCaseRequest req;
    req.set_case_id("C20240101-NOSUCHCASE00");
    v1::Case out;
    grpc::Status s = stub->GetCase(&ctx, req, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
    auto md = ctx.GetServerTrailingMetadata();
    auto it = md.find("caselink-request-id");
    ASSERT_NE(it, md.end());
    std::string id(it->second.data(), it->second.size());
    EXPECT_EQ(id.size(), 16u);
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 3u);
}

// ... and the server's own time for the call, so a client can tell the
// network from the server.
TEST_F(CaseServiceTest, EveryAnswerCarriesTheServerTime) {
  auto stub = v1::CaseService::NewStub(district_->As("market").channel());
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::ListCasesRequest req;
  v1::ListCasesResponse out;
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(stub->ListCases(&ctx, req, &out).ok());
  const auto client_us = std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::steady_clock::now() - t0).count();
  auto md = ctx.GetServerTrailingMetadata();
  auto it = md.find("caselink-server-micros");
  ASSERT_NE(it, md.end());
  int64_t server_us = -1;
  ASSERT_TRUE(absl::SimpleAtoi(absl::string_view(it->second.data(), it->second.size()), &server_us));
  EXPECT_GE(server_us, 0);
  EXPECT_LE(server_us, client_us);  // within the call as the client saw it
}


// --- SubmitCases: a ledger page in one call.

v1::SubmitCasesRequest Batch(const std::vector<v1::Case>& cases, const std::string& prefix) {
  v1::SubmitCasesRequest req;
  for (size_t i = 0; i < cases.size(); ++i) {
    auto* item = req.add_items();
    item->set_request_id(absl::StrCat(prefix, "-", i));
    *item->mutable_case_() = cases[i];
  }
  return req;
}

TEST_F(CaseServiceTest, SubmitCasesStoresGoodItemsAndRefusesABadOneAlone) {
  v1::Case bad = SampleCase();
  bad.clear_title();
  auto r = district_->As("market").SubmitCases(
      Batch({SampleCase(v1::MARKET_ORDER, "一"), bad, SampleCase(v1::MARKET_ORDER, "三")}, "b"));
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->results_size(), 3);
  EXPECT_EQ(r->results(0).code(), 0) << r->results(0).message();
  EXPECT_EQ(r->results(1).code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_THAT(r->results(1).message(), HasSubstr("title"));
  EXPECT_TRUE(r->results(1).case_id().empty());
  EXPECT_EQ(r->results(2).code(), 0) << r->results(2).message();
  EXPECT_EQ(r->results(2).version(), 1);
  EXPECT_EQ(CountVisible("market"), 2);
  v1::GetCaseRequest get;
  get.set_case_id(r->results(0).case_id());
  auto got = district_->As("market").GetCase(get);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->owner_agency(), "market");
  EXPECT_EQ(got->title(), "一");

  // The same batch again replays every stored item and stores nothing.
  auto again = district_->As("market").SubmitCases(
      Batch({SampleCase(v1::MARKET_ORDER, "一"), bad, SampleCase(v1::MARKET_ORDER, "三")}, "b"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->results(0).replayed());
  EXPECT_EQ(again->results(0).case_id(), r->results(0).case_id());
  EXPECT_TRUE(again->results(2).replayed());
  EXPECT_EQ(CountVisible("market"), 2);
}

TEST_F(CaseServiceTest, SubmitCasesRefusesMalformedBatchesWhole) {
  auto empty = district_->As("market").SubmitCases(v1::SubmitCasesRequest());
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(empty.status().message()), HasSubstr("items"));

  v1::SubmitCasesRequest dup = Batch({SampleCase(), SampleCase()}, "d");
  dup.mutable_items(1)->set_request_id("d-0");
  auto r = district_->As("market").SubmitCases(dup);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("items[1].request_id"));

  std::vector<v1::Case> many(1001, SampleCase());
  auto big = district_->As("market").SubmitCases(Batch(many, "m"));
  EXPECT_EQ(big.status().code(), absl::StatusCode::kInvalidArgument) << big.status();
  EXPECT_EQ(CountVisible("market"), 0);
}

TEST_F(CaseServiceTest, SubmitCasesFollowsThePolicyPerItemAndPerCall) {
  // The procuratorate may not write ledgers at all: the call is refused.
  auto denied = district_->As("procuratorate").SubmitCases(Batch({SampleCase()}, "p"));
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied) << denied.status();
  // A town may not set the major flag (town-ledger-write): that item alone is refused.
  v1::Case major = SampleCase(v1::OTHER_DOMAIN, "重大");
  major.set_major(true);
  auto town = district_->As("town-a").SubmitCases(Batch({SampleCase(v1::OTHER_DOMAIN), major}, "t"));
  ASSERT_TRUE(town.ok()) << town.status();
  EXPECT_EQ(town->results(0).code(), 0) << town->results(0).message();
  EXPECT_EQ(town->results(1).code(), static_cast<int>(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(town->results(1).message(), HasSubstr("major"));
  // Another agency's case cannot be versioned through a batch either.
  v1::Case psb_case = Submit("psb", SampleCase(v1::PUBLIC_ORDER));
  v1::SubmitCasesRequest upd = Batch({psb_case}, "u");
  upd.mutable_items(0)->set_expected_version(1);
  auto other = district_->As("market").SubmitCases(upd);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_NE(other->results(0).code(), 0);
  v1::GetCaseRequest get;
  get.set_case_id(psb_case.case_id());
  EXPECT_EQ(district_->As("psb").GetCase(get)->version(), 1);
}

}  // namespace
}  // namespace caselink::testing
