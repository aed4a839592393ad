// auth::Authorizer: who a certificate is, which RPCs it may call, which rows
// it sees and what of their fields, and what it may write — checked against
// the district's example policy and small hand-written policies.
#include "auth/authorizer.h"

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "auth/field_redactor.h"
#include "auth/policy_loader.h"
#include "caselink/v1/audit.pb.h"
#include "caselink/v1/case_service.pb.h"
#include "caselink/v1/workflow.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

#ifndef CASELINK_SOURCE_DIR
#error "CASELINK_SOURCE_DIR must be defined"
#endif

namespace caselink::auth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

// case_service.pb.o must be linked in for the policy loader to know the
// caselink RPCs (bug reported in policy_loader_test, LinkProbe).
[[maybe_unused]] const google::protobuf::Descriptor* const kLinkServices[] = {
    v1::SubmitCaseRequest::descriptor(), v1::CreateTransferRequest::descriptor(),
    v1::WhoReadRequest::descriptor()};

constexpr char kGet[] = "caselink.v1.CaseService/GetCase";
constexpr char kList[] = "caselink.v1.CaseService/ListCases";
constexpr char kSubmit[] = "caselink.v1.CaseService/SubmitCase";

std::shared_ptr<const Authorizer> FromText(const std::string& text) {
  v1::Policy p;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &p)) << text;
  auto a = Authorizer::Create(p);
  EXPECT_TRUE(a.ok()) << a.status();
  return a.ok() ? *a : nullptr;
}

std::shared_ptr<const Authorizer> Example() {
  static std::shared_ptr<const Authorizer> a = [] {
    auto p = LoadPolicyFile(CASELINK_SOURCE_DIR "/certs-example/policy.textproto");
    EXPECT_TRUE(p.ok()) << p.status();
    auto made = Authorizer::Create(*p);
    EXPECT_TRUE(made.ok()) << made.status();
    return *made;
  }();
  return a;
}

PeerIdentity Uri(const std::string& uri) {
  PeerIdentity peer;
  peer.uri_sans = {uri};
  peer.fingerprint_sha256 = "ab12";
  return peer;
}

Principal As(const Authorizer& a, const std::string& agency_id) {
  auto p = a.Authenticate(Uri("caselink://agency/" + agency_id));
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? *p : Principal{};
}

RowFacts Row(const std::string& owner, v1::Domain domain,
             std::vector<std::string> linked = {}) {
  RowFacts r;
  r.owner_agency = owner;
  r.domain = domain;
  r.linked_agencies = std::move(linked);
  return r;
}

const char kSmall[] = R"pb(
  agencies { id: "a" display_name: "甲" identities: "caselink://agency/a" identities: "CN=Agency A" roles: ENFORCEMENT }
  agencies { id: "b" identities: "CN=Agency B" roles: POLICE roles: TOWN }
  agencies { id: "c" identities: "caselink://agency/c" roles: JUSTICE }
  agencies { id: "d" identities: "caselink://agency/d" roles: GOVERNMENT }
  rules { name: "enf-all-rpcs" roles: ENFORCEMENT rpcs: "caselink.v1.CaseService/*" rows { own: true }
          fields { sensitivity: PUBLIC action: ALLOW } }
  rules { name: "b-by-id" agencies: "b" rpcs: "/caselink.v1.CaseService/GetCase" rows { transferred: true }
          fields { sensitivity: INTERNAL action: ALLOW } }
  rules { name: "town-domains" roles: TOWN rpcs: "caselink.v1.CaseService/GetCase"
          rows { domains: [WORK_SAFETY, CAMPUS_SAFETY] }
          fields { sensitivity: PUBLIC action: MASK } }
  rules { name: "justice-all" roles: JUSTICE rpcs: "caselink.v1.CaseService/ListCases" rows { all: true }
          fields { sensitivity: PUBLIC action: ALLOW } }
  public_rpcs: "grpc.health.v1.Health/Check"
  public_rpcs: "/grpc.reflection.v1alpha.ServerReflection/*"
)pb";

TEST(AuthenticateTest, ByUriSan) {
  auto a = FromText(kSmall);
  auto p = a->Authenticate(Uri("caselink://agency/a"));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->agency_id, "a");
  EXPECT_EQ(p->display_name, "甲");
  EXPECT_THAT(p->roles, ElementsAre(v1::ENFORCEMENT));
  EXPECT_EQ(p->cert_fingerprint, "ab12");
}

TEST(AuthenticateTest, ByCommonName) {
  auto a = FromText(kSmall);
  PeerIdentity peer;
  peer.common_name = "Agency B";
  peer.dns_sans = {"agency-b.example"};
  auto p = a->Authenticate(peer);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->agency_id, "b");
  EXPECT_THAT(p->roles, ElementsAre(v1::POLICE, v1::TOWN));
  // A certificate whose URI SAN names one agency and whose subject names
  // another is refused: one certificate, one agency.
  peer.uri_sans = {"caselink://agency/c"};
  p = a->Authenticate(peer);
  EXPECT_EQ(p.status().code(), absl::StatusCode::kPermissionDenied) << p.status();
  // An unknown URI SAN does not hide a known CN.
  peer.uri_sans = {"caselink://agency/unknown"};
  p = a->Authenticate(peer);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->agency_id, "b");
}

TEST(AuthenticateTest, UnknownIdentityIsPermissionDenied) {
  auto a = FromText(kSmall);
  PeerIdentity peer;
  peer.uri_sans = {"caselink://agency/ghost"};
  peer.common_name = "Ghost";
  peer.dns_sans = {"caselink://agency/a"};  // DNS SANs never authenticate
  auto p = a->Authenticate(peer);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(p.status().message(), HasSubstr("caselink://agency/ghost"));
  EXPECT_THAT(p.status().message(), HasSubstr("CN=Ghost"));
  // A CN spelled like a URI SAN identity is not that identity.
  PeerIdentity cn_only;
  cn_only.common_name = "caselink://agency/a";
  EXPECT_EQ(a->Authenticate(cn_only).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(a->Authenticate(PeerIdentity()).status().code(), absl::StatusCode::kPermissionDenied);
}

TEST(AuthorizerCreateTest, IdentityOfTwoAgenciesIsRefused) {
  v1::Policy p;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(agencies { id: "a" identities: "x" roles: TOWN }
           agencies { id: "b" identities: "x" roles: TOWN })pb",
      &p));
  auto a = Authorizer::Create(p);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(a.status().message(), HasSubstr("'x'"));
}

TEST(AuthorizeRpcTest, WildcardGrantsTheWholeService) {
  auto a = FromText(kSmall);
  Principal pa = As(*a, "a");
  EXPECT_TRUE(a->AuthorizeRpc(pa, kGet).ok());
  EXPECT_TRUE(a->AuthorizeRpc(pa, kSubmit).ok());
  EXPECT_TRUE(a->AuthorizeRpc(pa, "/caselink.v1.CaseService/ListCaseVersions").ok());
  // Not another service that merely shares the prefix.
  absl::Status s = a->AuthorizeRpc(pa, "caselink.v1.CaseServiceAdmin/Wipe");
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(a->AuthorizeRpc(pa, "caselink.v1.Admin/Wipe").code(), absl::StatusCode::kPermissionDenied);
}

TEST(AuthorizeRpcTest, DenyByDefaultNamesMethodAndAgency) {
  auto a = FromText(kSmall);
  Principal pc = As(*a, "c");
  EXPECT_TRUE(a->AuthorizeRpc(pc, kList).ok());
  absl::Status s = a->AuthorizeRpc(pc, kGet);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(s.message(), HasSubstr(kGet));
  EXPECT_THAT(s.message(), HasSubstr("'c'"));
  Principal pd = As(*a, "d");  // no rule at all
  EXPECT_EQ(a->AuthorizeRpc(pd, kList).code(), absl::StatusCode::kPermissionDenied);
}

TEST(AuthorizeRpcTest, RulesByAgencyIdAndLeadingSlash) {
  auto a = FromText(kSmall);
  PeerIdentity peer;
  peer.common_name = "Agency B";
  Principal pb = *a->Authenticate(peer);
  // "b-by-id" is written "/caselink.v1.CaseService/GetCase"; both spellings match.
  EXPECT_TRUE(a->AuthorizeRpc(pb, kGet).ok());
  EXPECT_TRUE(a->AuthorizeRpc(pb, std::string("/") + kGet).ok());
  EXPECT_EQ(a->AuthorizeRpc(pb, kSubmit).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(a->AuthorizeRpc(pb, "//caselink.v1.CaseService/GetCase").code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(AuthorizeRpcTest, PublicRpcsForEveryAgency) {
  auto a = FromText(kSmall);
  for (const char* id : {"a", "c", "d"}) {
    Principal p = As(*a, id);
    EXPECT_TRUE(a->AuthorizeRpc(p, "grpc.health.v1.Health/Check").ok()) << id;
    EXPECT_TRUE(a->AuthorizeRpc(p, "/grpc.health.v1.Health/Check").ok()) << id;
    EXPECT_TRUE(
        a->AuthorizeRpc(p, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo").ok())
        << id;
    EXPECT_EQ(a->AuthorizeRpc(p, "grpc.health.v1.Health/Watch").code(),
              absl::StatusCode::kPermissionDenied)
        << id;
  }
}

TEST(PlanReadTest, OwnRows) {
  auto a = FromText(kSmall);
  Principal pa = As(*a, "a");
  auto plan = a->PlanRead(pa, kGet, Row("a", v1::MARKET_ORDER));
  ASSERT_TRUE(plan.has_value());
  EXPECT_THAT(plan->rule_names(), ElementsAre("enf-all-rpcs"));
  EXPECT_EQ(plan->Decide("case_id", v1::PUBLIC), v1::ALLOW);
  EXPECT_EQ(plan->Decide("title", v1::INTERNAL), v1::DENY);
  EXPECT_FALSE(a->PlanRead(pa, kGet, Row("b", v1::MARKET_ORDER)).has_value());
  // Being linked does not matter without a transferred rule.
  EXPECT_FALSE(a->PlanRead(pa, kGet, Row("b", v1::MARKET_ORDER, {"a"})).has_value());
}

TEST(PlanReadTest, TransferredRowsViaLinkedAgencies) {
  auto a = FromText(kSmall);
  PeerIdentity peer;
  peer.common_name = "Agency B";
  Principal pb = *a->Authenticate(peer);
  EXPECT_FALSE(a->PlanRead(pb, kGet, Row("a", v1::MARKET_ORDER)).has_value());
  EXPECT_FALSE(a->PlanRead(pb, kGet, Row("a", v1::MARKET_ORDER, {"c", "d"})).has_value());
  auto plan = a->PlanRead(pb, kGet, Row("a", v1::MARKET_ORDER, {"c", "b"}));
  ASSERT_TRUE(plan.has_value());
  EXPECT_THAT(plan->rule_names(), ElementsAre("b-by-id"));
  EXPECT_EQ(plan->Decide("title", v1::INTERNAL), v1::ALLOW);
  // The rule grants GetCase only.
  EXPECT_FALSE(a->PlanRead(pb, kList, Row("a", v1::MARKET_ORDER, {"b"})).has_value());
}

TEST(PlanReadTest, DomainRows) {
  auto a = FromText(kSmall);
  PeerIdentity peer;
  peer.common_name = "Agency B";
  Principal pb = *a->Authenticate(peer);
  auto plan = a->PlanRead(pb, kGet, Row("a", v1::CAMPUS_SAFETY));
  ASSERT_TRUE(plan.has_value());
  EXPECT_THAT(plan->rule_names(), ElementsAre("town-domains"));
  EXPECT_EQ(plan->Decide("case_id", v1::PUBLIC), v1::MASK);
  EXPECT_TRUE(a->PlanRead(pb, kGet, Row("a", v1::WORK_SAFETY)).has_value());
  EXPECT_FALSE(a->PlanRead(pb, kGet, Row("a", v1::PUBLIC_ORDER)).has_value());
  EXPECT_FALSE(a->PlanRead(pb, kGet, Row("a", v1::DOMAIN_UNSPECIFIED)).has_value());
  // Two rules select the row: both are in the plan, most permissive wins.
  auto both = a->PlanRead(pb, kGet, Row("a", v1::WORK_SAFETY, {"b"}));
  ASSERT_TRUE(both.has_value());
  EXPECT_THAT(both->rule_names(), UnorderedElementsAre("b-by-id", "town-domains"));
  EXPECT_EQ(both->Decide("case_id", v1::PUBLIC), v1::MASK);
  EXPECT_EQ(both->Decide("title", v1::INTERNAL), v1::ALLOW);
}

TEST(PlanReadTest, AllRows) {
  auto a = FromText(kSmall);
  Principal pc = As(*a, "c");
  for (const auto& row : {Row("a", v1::MARKET_ORDER), Row("zzz", v1::OTHER_DOMAIN), Row("", v1::DOMAIN_UNSPECIFIED)}) {
    auto plan = a->PlanRead(pc, "/caselink.v1.CaseService/ListCases", row);
    ASSERT_TRUE(plan.has_value()) << row.owner_agency;
    EXPECT_THAT(plan->rule_names(), ElementsAre("justice-all"));
  }
  // No rule granting GetCase to c selects anything.
  EXPECT_FALSE(a->PlanRead(pc, kGet, Row("a", v1::MARKET_ORDER)).has_value());
  Principal pd = As(*a, "d");
  EXPECT_FALSE(a->PlanRead(pd, kList, Row("d", v1::MARKET_ORDER)).has_value());
}

// --- The district's example policy. ---

TEST(ExamplePolicyTest, AuthenticatesEveryAgency) {
  auto a = Example();
  for (const char* id : {"psb", "procuratorate", "justice", "government", "market", "emergency",
                         "hrss", "town-a", "operator"}) {
    auto p = a->Authenticate(Uri(std::string("caselink://agency/") + id));
    ASSERT_TRUE(p.ok()) << id << ": " << p.status();
    EXPECT_EQ(p->agency_id, id);
  }
  EXPECT_EQ(a->Authenticate(Uri("caselink://agency/town-b")).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(ExamplePolicyTest, PsbMasksIdNumbersOfOtherDomainsOnly) {
  auto a = Example();
  Principal psb = As(*a, "psb");
  auto market = a->PlanRead(psb, kGet, Row("market", v1::MARKET_ORDER));
  ASSERT_TRUE(market.has_value());
  EXPECT_THAT(market->rule_names(), ElementsAre("police-other-cases"));
  EXPECT_EQ(market->Decide("parties.person.id_number", v1::PERSONAL_ID), v1::MASK);
  EXPECT_EQ(market->Decide("parties.organization.credit_code", v1::PERSONAL_ID), v1::MASK);
  EXPECT_EQ(market->Decide("parties.person.name", v1::PERSONAL), v1::ALLOW);
  EXPECT_EQ(market->Decide("facts", v1::INVESTIGATIVE), v1::ALLOW);

  auto order = a->PlanRead(psb, kGet, Row("market", v1::PUBLIC_ORDER));
  ASSERT_TRUE(order.has_value());
  EXPECT_EQ(order->Decide("parties.person.id_number", v1::PERSONAL_ID), v1::ALLOW);

  auto transferred = a->PlanRead(psb, kGet, Row("market", v1::MARKET_ORDER, {"psb"}));
  ASSERT_TRUE(transferred.has_value());
  EXPECT_EQ(transferred->Decide("parties.person.id_number", v1::PERSONAL_ID), v1::ALLOW);

  auto own = a->PlanRead(psb, kGet, Row("psb", v1::MARKET_ORDER));
  ASSERT_TRUE(own.has_value());
  EXPECT_EQ(own->Decide("parties.person.id_number", v1::PERSONAL_ID), v1::ALLOW);
}

TEST(ExamplePolicyTest, PsbRedactionOfAMarketCase) {
  auto a = Example();
  Principal psb = As(*a, "psb");
  auto plan = a->PlanRead(psb, kGet, Row("market", v1::MARKET_ORDER));
  ASSERT_TRUE(plan.has_value());
  v1::Case c;
  c.set_title("无照经营");
  auto* person = c.add_parties()->mutable_person();
  person->set_name("张三");
  person->set_id_number("510105199001011237");
  RedactMessage(*plan, a->masks(), &c, nullptr);
  EXPECT_EQ(c.parties(0).person().id_number(), "510***********1237");
  EXPECT_EQ(c.parties(0).person().name(), "张三");
  EXPECT_EQ(c.title(), "无照经营");
}

TEST(ExamplePolicyTest, JusticeMasksPersonalIds) {
  auto a = Example();
  Principal j = As(*a, "justice");
  for (v1::Domain d : {v1::MARKET_ORDER, v1::PUBLIC_ORDER, v1::WORK_SAFETY}) {
    auto plan = a->PlanRead(j, kList, Row("emergency", d));
    ASSERT_TRUE(plan.has_value());
    EXPECT_EQ(plan->Decide("parties.person.id_number", v1::PERSONAL_ID), v1::MASK);
    EXPECT_EQ(plan->Decide("parties.person.phone", v1::PERSONAL), v1::ALLOW);
  }
  EXPECT_FALSE(a->PlanRead(j, kSubmit, Row("justice", v1::MARKET_ORDER)).has_value());
  EXPECT_EQ(a->AuthorizeRpc(j, kSubmit).code(), absl::StatusCode::kPermissionDenied);
}

TEST(ExamplePolicyTest, TownSeesNothingOfOthersCases) {
  auto a = Example();
  Principal t = As(*a, "town-a");
  for (const char* m : {kGet, kList, "caselink.v1.CaseService/ListCaseVersions", kSubmit}) {
    EXPECT_FALSE(a->PlanRead(t, m, Row("market", v1::MARKET_ORDER)).has_value()) << m;
    EXPECT_FALSE(a->PlanRead(t, m, Row("market", v1::PUBLIC_ORDER, {"psb"})).has_value()) << m;
  }
  auto own = a->PlanRead(t, kGet, Row("town-a", v1::MARKET_ORDER));
  ASSERT_TRUE(own.has_value());
  EXPECT_EQ(own->Decide("parties.person.id_number", v1::PERSONAL_ID), v1::ALLOW);
}

// `rows { inspection_sample: true }` follows only a campaign's sample: an
// enforcement agency on the team reads another agency's sampled case (ids
// masked) through GetCase and ListCaseVersions, not through a listing or a
// search, and a transfer or supervision link to it is no such grant.
TEST(ExamplePolicyTest, InspectionTeamReadsOnlyTheSampledCase) {
  auto a = Example();
  Principal e = As(*a, "emergency");
  RowFacts sampled = Row("market", v1::MARKET_ORDER);
  sampled.inspection_agencies = {"justice", "emergency"};
  for (const char* m : {kGet, "caselink.v1.CaseService/ListCaseVersions"}) {
    auto plan = a->PlanRead(e, m, sampled);
    ASSERT_TRUE(plan.has_value()) << m;
    EXPECT_THAT(plan->rule_names(), ElementsAre("oversight-team-cases"));
    EXPECT_EQ(plan->Decide("parties.person.id_number", v1::PERSONAL_ID), v1::MASK);
    EXPECT_EQ(plan->Decide("facts", v1::INVESTIGATIVE), v1::ALLOW);
  }
  for (const char* m : {kList, "caselink.v1.CaseService/SearchCases", kSubmit}) {
    EXPECT_FALSE(a->PlanRead(e, m, sampled).has_value()) << m;
  }
  // Another team's sample, and links of other kinds, grant nothing.
  RowFacts other_team = Row("market", v1::MARKET_ORDER);
  other_team.inspection_agencies = {"justice", "hrss"};
  EXPECT_FALSE(a->PlanRead(e, kGet, other_team).has_value());
  RowFacts supervised = Row("market", v1::MARKET_ORDER);
  supervised.supervision_agencies = {"emergency"};
  EXPECT_FALSE(a->PlanRead(e, kGet, supervised).has_value());
  // The inspection link is not a transfer link: the workflow's rules (rows
  // own, transferred) do not follow it.
  EXPECT_FALSE(a->PlanRead(e, "caselink.v1.EventService/Watch", sampled).has_value());
}

TEST(ExamplePolicyTest, ProcuratorateSeesEverythingInFull) {
  auto a = Example();
  Principal p = As(*a, "procuratorate");
  auto plan = a->PlanRead(p, kGet, Row("town-a", v1::CAMPUS_SAFETY));
  ASSERT_TRUE(plan.has_value());
  EXPECT_THAT(plan->rule_names(), ElementsAre("procuratorate-all"));
  EXPECT_EQ(plan->Decide("case_id", v1::PUBLIC), v1::ALLOW);
  EXPECT_EQ(plan->Decide("title", v1::INTERNAL), v1::ALLOW);
  EXPECT_EQ(plan->Decide("parties.person.name", v1::PERSONAL), v1::ALLOW);
  EXPECT_EQ(plan->Decide("parties.person.id_number", v1::PERSONAL_ID), v1::ALLOW);
  EXPECT_EQ(plan->Decide("facts", v1::INVESTIGATIVE), v1::ALLOW);
  EXPECT_EQ(a->AuthorizeRpc(p, kSubmit).code(), absl::StatusCode::kPermissionDenied);
}

TEST(ExamplePolicyTest, GovernmentAndOperatorReadNoCases) {
  auto a = Example();
  for (const char* id : {"government", "operator"}) {
    Principal p = As(*a, id);
    EXPECT_EQ(a->AuthorizeRpc(p, kGet).code(), absl::StatusCode::kPermissionDenied) << id;
    EXPECT_FALSE(a->PlanRead(p, kGet, Row(id, v1::MARKET_ORDER)).has_value()) << id;
  }
}

TEST(ExamplePolicyTest, TownMayNotWriteTheMajorFlag) {
  auto a = Example();
  Principal t = As(*a, "town-a");
  FieldPlan w = a->PlanWrite(t, kSubmit);
  EXPECT_THAT(w.rule_names(), ElementsAre("town-ledger-write"));
  EXPECT_EQ(w.Decide("major", v1::PUBLIC), v1::DENY);
  EXPECT_EQ(w.Decide("title", v1::INTERNAL), v1::ALLOW);
  EXPECT_EQ(w.Decide("parties.person.id_number", v1::PERSONAL_ID), v1::ALLOW);
  v1::Case c;
  c.set_title("x");
  c.set_domain(v1::WORK_SAFETY);
  EXPECT_TRUE(CheckWritable(w, c).ok());
  c.set_major(true);
  absl::Status s = CheckWritable(w, c);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(s.message(), HasSubstr("'major'"));
  EXPECT_THAT(s.message(), HasSubstr("town-ledger-write"));

  // The market may.
  FieldPlan m = a->PlanWrite(As(*a, "market"), "/caselink.v1.CaseService/SubmitCase");
  EXPECT_THAT(m.rule_names(), ElementsAre("ledger-write"));
  EXPECT_TRUE(CheckWritable(m, c).ok());
  // Read RPCs and agencies without write rules get an empty write plan.
  EXPECT_TRUE(a->PlanWrite(As(*a, "market"), kGet).empty());
  EXPECT_TRUE(a->PlanWrite(As(*a, "justice"), kSubmit).empty());
}

}  // namespace
}  // namespace caselink::auth
