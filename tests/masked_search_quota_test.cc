// server::MaskedSearchQuota and SearchesMaskedValue: which searches count
// (by a value the caller's policy masks or withholds in some row of another
// agency it may read) and the per-agency token bucket (per_hour an hour,
// refilled continuously, agencies independent).
#include "server/core/masked_search_quota.h"

#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace caselink::server {
namespace {

constexpr char kSearch[] = "caselink.v1.CaseService/SearchCases";

// Three agencies: "clerk" sees others' names and ids masked, "reviewer" sees
// names in full and ids masked, "chief" sees everything; "town" sees only its
// own rows, in full. "police" sees the rows transferred to it in full and
// every other agency's row with ids masked (as the example policy's psb);
// "inspector" sees rows linked to it by a supervision record or a campaign's
// sample, ids masked.
constexpr char kPolicy[] = R"pb(
  agencies { id: "clerk" identities: "caselink://agency/clerk" roles: ENFORCEMENT }
  agencies { id: "reviewer" identities: "caselink://agency/reviewer" roles: JUSTICE }
  agencies { id: "chief" identities: "caselink://agency/chief" roles: PROCURATORATE }
  agencies { id: "town" identities: "caselink://agency/town" roles: TOWN }
  agencies { id: "police" identities: "caselink://agency/police" roles: POLICE }
  agencies { id: "inspector" identities: "caselink://agency/inspector" roles: GOVERNMENT }
  rules {
    name: "police-transferred" roles: [POLICE]
    rpcs: ["caselink.v1.CaseService/SearchCases", "caselink.v1.CaseService/GetCase"]
    rows { own: true transferred: true }
    fields { sensitivity: PUBLIC action: ALLOW }
    fields { sensitivity: PERSONAL action: ALLOW }
    fields { sensitivity: PERSONAL_ID action: ALLOW }
  }
  rules {
    name: "police-others" roles: [POLICE]
    rpcs: ["caselink.v1.CaseService/SearchCases", "caselink.v1.CaseService/GetCase"]
    rows { all: true }
    fields { sensitivity: PUBLIC action: ALLOW }
    fields { sensitivity: PERSONAL action: ALLOW }
    fields { sensitivity: PERSONAL_ID action: MASK }
  }
  rules {
    name: "inspector-linked" roles: [GOVERNMENT]
    rpcs: ["caselink.v1.CaseService/SearchCases", "caselink.v1.CaseService/GetCase"]
    rows { linked: true inspection_sample: true }
    fields { sensitivity: PUBLIC action: ALLOW }
    fields { sensitivity: PERSONAL action: ALLOW }
    fields { sensitivity: PERSONAL_ID action: MASK }
  }
  rules {
    name: "own" roles: [ENFORCEMENT, JUSTICE, PROCURATORATE, TOWN]
    rpcs: ["caselink.v1.CaseService/SearchCases", "caselink.v1.CaseService/GetCase"]
    rows { own: true }
    fields { sensitivity: PUBLIC action: ALLOW }
    fields { sensitivity: PERSONAL action: ALLOW }
    fields { sensitivity: PERSONAL_ID action: ALLOW }
  }
  rules {
    name: "clerk-market" roles: [ENFORCEMENT]
    rpcs: ["caselink.v1.CaseService/SearchCases"]
    rows { domains: [MARKET_ORDER] }
    fields { sensitivity: PUBLIC action: ALLOW }
    fields { sensitivity: PERSONAL action: MASK }
    fields { sensitivity: PERSONAL_ID action: DENY }
  }
  rules {
    name: "reviewer-all" roles: [JUSTICE]
    rpcs: ["caselink.v1.CaseService/SearchCases", "caselink.v1.CaseService/GetCase"]
    rows { all: true }
    fields { sensitivity: PUBLIC action: ALLOW }
    fields { sensitivity: PERSONAL action: ALLOW }
    fields { sensitivity: PERSONAL_ID action: MASK }
  }
  rules {
    name: "chief-all" roles: [PROCURATORATE]
    rpcs: ["caselink.v1.CaseService/SearchCases", "caselink.v1.CaseService/GetCase"]
    rows { all: true }
    fields { sensitivity: PUBLIC action: ALLOW }
    fields { sensitivity: PERSONAL action: ALLOW }
    fields { sensitivity: PERSONAL_ID action: ALLOW }
  }
)pb";

CallScope Scope(const std::string& agency) {
  static std::shared_ptr<const auth::Authorizer> authz = [] {
    v1::Policy p;
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(kPolicy, &p));
    auto a = auth::Authorizer::Create(p);
    EXPECT_TRUE(a.ok()) << a.status();
    return *a;
  }();
  CallScope s;
  s.method = kSearch;
  s.authz = authz;
  auth::PeerIdentity peer;
  peer.uri_sans = {"caselink://agency/" + agency};
  auto principal = authz->Authenticate(peer);
  EXPECT_TRUE(principal.ok()) << principal.status();
  s.principal = *principal;
  return s;
}

v1::SearchCasesRequest ById() {
  v1::SearchCasesRequest r;
  r.set_party_id("510181198503121235");
  return r;
}
v1::SearchCasesRequest ByName() {
  v1::SearchCasesRequest r;
  r.set_party_name("张三");
  return r;
}

TEST(MaskedSearchTest, WhichSearchesCount) {
  EXPECT_TRUE(SearchesMaskedValue(Scope("clerk"), ById()));     // ids withheld
  EXPECT_TRUE(SearchesMaskedValue(Scope("clerk"), ByName()));   // names masked
  EXPECT_TRUE(SearchesMaskedValue(Scope("reviewer"), ById()));  // ids masked
  EXPECT_FALSE(SearchesMaskedValue(Scope("reviewer"), ByName()));
  EXPECT_FALSE(SearchesMaskedValue(Scope("chief"), ById()));
  EXPECT_FALSE(SearchesMaskedValue(Scope("chief"), ByName()));
  EXPECT_FALSE(SearchesMaskedValue(Scope("town"), ById()));  // sees only its own rows
  // A rule showing transferred rows in full does not make the ids of every
  // other agency's rows, shown masked by another rule, a free search.
  EXPECT_TRUE(SearchesMaskedValue(Scope("police"), ById()));
  EXPECT_TRUE(ReadsPartyIdsMasked(Scope("police")));
  EXPECT_FALSE(SearchesMaskedValue(Scope("police"), ByName()));
  // Rows reached only through a supervision record or a sample count too.
  EXPECT_TRUE(SearchesMaskedValue(Scope("inspector"), ById()));
  v1::SearchCasesRequest by_domain;
  by_domain.set_domain(v1::MARKET_ORDER);
  EXPECT_FALSE(SearchesMaskedValue(Scope("clerk"), by_domain));
}

TEST(MaskedSearchTest, TokenBucketPerAgency) {
  MaskedSearchQuota quota(3);
  const absl::Time t0 = absl::FromUnixSeconds(1709604000);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(quota.TryTake("clerk", t0)) << i;
  EXPECT_FALSE(quota.TryTake("clerk", t0));
  EXPECT_TRUE(quota.TryTake("reviewer", t0));  // its own bucket
  EXPECT_FALSE(quota.TryTake("clerk", t0 + absl::Minutes(19)));
  EXPECT_TRUE(quota.TryTake("clerk", t0 + absl::Minutes(21)));  // 3 an hour: one per 20 min
  EXPECT_FALSE(quota.TryTake("clerk", t0 + absl::Minutes(21)));
  // Never more than per_hour in store, however long the pause.
  const absl::Time later = t0 + absl::Hours(100);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(quota.TryTake("clerk", later)) << i;
  EXPECT_FALSE(quota.TryTake("clerk", later));
}

TEST(MaskedSearchTest, ChargeRefusesOverTheLimitNamingIt) {
  MaskedSearchQuota quota(1);
  const absl::Time t0 = absl::FromUnixSeconds(1709604000);
  AccessRecord record;
  CallScope s = Scope("reviewer");
  s.record = &record;
  EXPECT_TRUE(ChargeMaskedSearch(&quota, s, ById(), t0).ok());
  EXPECT_TRUE(ChargeMaskedSearch(&quota, s, ByName(), t0).ok());  // not masked: free
  absl::Status over = ChargeMaskedSearch(&quota, s, ById(), t0);
  EXPECT_EQ(over.code(), absl::StatusCode::kResourceExhausted) << over;
  EXPECT_NE(std::string(over.message()).find("limits.masked_searches_per_agency_per_hour"),
            std::string::npos)
      << over;
  EXPECT_EQ(record.denied_by, "masked_search_limit");
  EXPECT_TRUE(ChargeMaskedSearch(nullptr, s, ById(), t0).ok());
}

// AuditService.PartyAccess answers whether a number is a party's: the same
// oracle, charged to the same bucket for an agency that reads numbers masked
// (through GetCase's rules, whatever rules grant the audit question).
TEST(MaskedSearchTest, APartyAccessQuestionIsChargedLikeASearchById) {
  EXPECT_TRUE(ReadsPartyIdsMasked(Scope("reviewer")));
  EXPECT_FALSE(ReadsPartyIdsMasked(Scope("chief")));
  EXPECT_FALSE(ReadsPartyIdsMasked(Scope("town")));
  MaskedSearchQuota quota(2);
  const absl::Time t0 = absl::FromUnixSeconds(1709604000);
  AccessRecord record;
  CallScope s = Scope("reviewer");
  s.method = "caselink.v1.AuditService/PartyAccess";
  s.record = &record;
  EXPECT_TRUE(ChargeMaskedPartyQuestion(&quota, s, t0).ok());
  CallScope search = Scope("reviewer");
  EXPECT_TRUE(ChargeMaskedSearch(&quota, search, ById(), t0).ok());  // one bucket for both
  absl::Status over = ChargeMaskedPartyQuestion(&quota, s, t0);
  EXPECT_EQ(over.code(), absl::StatusCode::kResourceExhausted) << over;
  EXPECT_NE(std::string(over.message()).find("PartyAccess"), std::string::npos) << over;
  EXPECT_EQ(record.denied_by, "masked_search_limit");
  CallScope chief = Scope("chief");
  chief.method = s.method;
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(ChargeMaskedPartyQuestion(&quota, chief, t0).ok()) << i;
}

}  // namespace
}  // namespace caselink::server
