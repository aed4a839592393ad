// Issue 13, items 8 and 9, end to end through the real mTLS server and client:
//   - input hygiene: a party name with a NUL, a string with a control
//     character or bad UTF-8, an over-long field or an amount past 10^13 is
//     refused (INVALID_ARGUMENT naming the field path and the rule) on every
//     RPC, unary and stream, stores nothing, and other names still search;
//   - no oracles: ActOnTransfer / ActOnSupervision answer another agency's
//     (invisible) case id exactly as a missing one; a party id searched in
//     lower case is found by PartyAccess; searches by a value the caller sees
//     masked are limited per agency (RESOURCE_EXHAUSTED, metric, access log).
#include <functional>
#include <set>
#include <thread>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "workflow_fixture.h"

namespace caselink::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kZhangId[] = "510181198503121235";
constexpr char kXId[] = "51010519900101004X";  // check character X

void ExpectInvalid(const absl::Status& s, const std::string& path, const std::string& rule) {
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_THAT(std::string(s.message()), StartsWith(path + ": ")) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("(rule: " + rule)) << s;
}

class TrustInputTest : public WorkflowTest {
 protected:
  // Restarts the district with the example policy plus `rules` (a
  // district's own rules, in the policy's text format).
  void StartWithExtraRules(const std::string& rules) {
    DistrictOptions o;
    o.policy_text = TestDistrict::ExamplePolicyText() + rules;
    district_.reset();
    StartDistrict(o);
  }

  std::set<std::string> SearchName(const std::string& agency, const std::string& name) {
    v1::SearchCasesRequest q;
    q.set_party_name(name);
    q.set_purpose("核查");
    auto r = As(agency).SearchCases(q);
    EXPECT_TRUE(r.ok()) << r.status();
    std::set<std::string> ids;
    if (r.ok()) {
      for (const auto& c : r->cases()) ids.insert(c.case_id());
    }
    return ids;
  }

  absl::StatusOr<v1::SearchCasesResponse> SearchId(const std::string& agency, const std::string& id) {
    v1::SearchCasesRequest q;
    q.set_party_id(id);
    q.set_purpose("核查");
    return As(agency).SearchCases(q);
  }

  int CasesOf(const std::string& agency) {
    v1::ListCasesRequest l;
    l.set_owner_agency(agency);
    auto r = As(agency).ListCases(l);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->cases_size() : -1;
  }
};

TEST_F(TrustInputTest, NulInPartyNameIsRefusedAndOtherNamesStillSearch) {
  v1::Case zhang = SampleCase();
  zhang.mutable_parties(0)->mutable_person()->set_name("张三");
  auto ok = As("market").SubmitCase(zhang);
  ASSERT_TRUE(ok.ok()) << ok.status();

  v1::Case poison = SampleCase();
  poison.mutable_parties(0)->mutable_person()->set_name(std::string("张三\0李四", 13));
  ExpectInvalid(As("market").SubmitCase(poison).status(), "case.parties[0].person.name",
                "no control characters");
  // The same inside a batch, named by the item.
  v1::SubmitCasesRequest batch;
  batch.add_items()->set_request_id("b-1");
  *batch.mutable_items(0)->mutable_case_() = zhang;
  batch.add_items()->set_request_id("b-2");
  *batch.mutable_items(1)->mutable_case_() = poison;
  ExpectInvalid(As("market").SubmitCases(batch).status(), "items[1].case.parties[0].person.name",
                "no control characters");
  EXPECT_EQ(CasesOf("market"), 1) << "a refused request stored something";

  // Every agency still searches the name, without DATA_LOSS.
  for (const char* agency : {"market", "procuratorate", "justice", "psb"}) {
    EXPECT_EQ(SearchName(agency, "张三"), (std::set<std::string>{ok->case_().case_id()})) << agency;
  }
  // A search for the poisoned name itself is refused too.
  v1::SearchCasesRequest q;
  q.set_party_name(std::string("张三\0", 7));
  ExpectInvalid(As("procuratorate").SearchCases(q).status(), "party_name", "no control characters");
}

TEST_F(TrustInputTest, EachRuleOnTheWire) {
  v1::Case c = SampleCase();
  c.set_title("一行\n两行");
  ExpectInvalid(As("market").SubmitCase(c).status(), "case.title", "no line breaks");
  c = SampleCase();
  c.set_facts("第一段。\n第二段。\r\n\t第三段。");
  EXPECT_TRUE(As("market").SubmitCase(c).ok());  // facts allow line breaks
  c = SampleCase();
  c.set_title(std::string(1001, 'x'));
  ExpectInvalid(As("market").SubmitCase(c).status(), "case.title", "max_length 1000");
  c = SampleCase();
  c.mutable_penalty()->set_amount_fen(10000000000001);
  ExpectInvalid(As("market").SubmitCase(c).status(), "case.penalty.amount_fen",
                "max_int 10000000000000");
  c.mutable_penalty()->set_amount_fen(10000000000000);
  EXPECT_TRUE(As("market").SubmitCase(c).ok());
  EXPECT_EQ(CasesOf("market"), 2);

  // Workflow, audit and stream requests go through the same check.
  const std::string case_id = NewCase("market");
  v1::CreateTransferRequest t;
  t.set_direction(v1::TRANSFER_FORWARD);
  caselink::testing::AddTransferMaterials(&t);
  t.set_receiver_agency("psb");
  t.set_case_id(case_id);
  t.set_subject("涉嫌犯罪");
  t.add_materials()->set_title("移送书\x1b[2J");
  ExpectInvalid(As("market").CreateTransfer(t).status(), "materials[3].title", "no control characters");
  v1::PartyAccessRequest pa;
  pa.set_party_id(kZhangId);
  pa.set_limit(-1);
  ExpectInvalid(As("procuratorate").PartyAccess(pa).status(), "limit", "min_int 0");
  WatchOptions w;
  w.purpose = std::string("事由\0", 7);
  w.max_consecutive_failures = 1;
  absl::Status watched = As("procuratorate").Watch(w, [](const v1::Event&) { return true; });
  ExpectInvalid(watched, "purpose", "no control characters");
}

// The NOT_FOUND message names the id asked for; with the id taken out, an
// invisible case and a missing one must answer the very same.
void ExpectSameAnswer(const absl::Status& invisible, const std::string& invisible_id,
                      const absl::Status& missing, const std::string& missing_id) {
  EXPECT_EQ(invisible.code(), absl::StatusCode::kNotFound) << invisible;
  EXPECT_EQ(invisible.code(), missing.code()) << invisible << " vs " << missing;
  EXPECT_EQ(absl::StrReplaceAll(invisible.message(), {{invisible_id, "<id>"}}),
            absl::StrReplaceAll(missing.message(), {{missing_id, "<id>"}}));
}

TEST_F(TrustInputTest, ActOnTransferAnswersAnotherAgencysCaseAsMissing) {
  const std::string theirs = NewCase("emergency", v1::WORK_SAFETY);  // market cannot read it
  const std::string missing = "C20240305-ZZZZZZZZZZZZ";
  auto r = Reverse("market");
  ASSERT_TRUE(r.ok()) << r.status();
  const std::string id = r->transfer().id();
  ASSERT_TRUE(ActT("market", id, v1::ACTION_ACKNOWLEDGE).ok());
  auto a = ActT("market", id, v1::ACTION_REPLY_PENALTY, "已罚款", theirs);
  auto b = ActT("market", id, v1::ACTION_REPLY_PENALTY, "已罚款", missing);
  ExpectSameAnswer(a.status(), theirs, b.status(), missing);

  // Another agency's transfer id and a missing one: the same too.
  const std::string other = NewForward();  // market -> psb; emergency is no party
  auto c = ActT("emergency", other, v1::ACTION_ACKNOWLEDGE);
  auto d = ActT("emergency", "T20240305-ZZZZZZZZZZZZ", v1::ACTION_ACKNOWLEDGE);
  ExpectSameAnswer(c.status(), other, d.status(), "T20240305-ZZZZZZZZZZZZ");
}

TEST_F(TrustInputTest, ActOnSupervisionAnswersAnotherAgencysCaseAsMissing) {
  const std::string mine = NewCase("market");
  const std::string theirs = NewCase("emergency", v1::WORK_SAFETY);
  const std::string missing = "C20240305-ZZZZZZZZZZZZ";
  auto s = Supervise("market", mine);
  ASSERT_TRUE(s.ok()) << s.status();
  auto reply = [&](const std::string& linked) {
    v1::WorkflowActionRequest r = Action(s->record().id(), v1::ACTION_REPLY, "已整改", linked);
    return As("market").ActOnSupervision(r).status();
  };
  ExpectSameAnswer(reply(theirs), theirs, reply(missing), missing);
  // Still answered: the record is unchanged and can be replied to properly.
  EXPECT_TRUE(reply(mine).ok()) << reply(mine);
}

TEST_F(TrustInputTest, LowerCasePartyIdSearchIsFoundByPartyAccess) {
  // No case has this party: only the search's own entry can name it.
  std::string lower = kXId;
  lower.back() = 'x';
  auto found = SearchId("procuratorate", lower);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->cases_size(), 0);
  for (const std::string& asked : {std::string(kXId), lower, "  " + lower + " "}) {
    v1::PartyAccessRequest pa;
    pa.set_party_id(asked);
    auto log = As("procuratorate").PartyAccess(pa);
    ASSERT_TRUE(log.ok()) << log.status();
    bool search_logged = false;
    for (const auto& e : log->entries()) {
      search_logged |= e.method() == "caselink.v1.CaseService/SearchCases" && !e.searched_party_hmac().empty();
    }
    EXPECT_TRUE(search_logged) << "PartyAccess('" << asked << "') misses the search by " << lower;
  }
}

class MaskedSearchLimitTest : public TrustInputTest {
 protected:
  void SetUp() override {
    DistrictOptions o;
    o.masked_searches_per_agency_per_hour = 3;
    StartDistrict(std::move(o));
  }

  double DeniedMetric() {
    auto stats = As("operator").GetStats();
    EXPECT_TRUE(stats.ok()) << stats.status();
    if (!stats.ok()) return -1;
    for (const v1::MetricFamily& f : stats->families()) {
      if (f.name() != "caselink_denied_requests_total") continue;
      for (const v1::MetricSample& s : f.samples()) {
        if (s.labels().at("rule") == "masked_search_limit") return s.value();
      }
    }
    return 0;
  }
};

// The example policy's police read the cases transferred to them in full,
// and every other agency's cases with identity numbers masked: their
// searches by a party's number are an oracle on the masked ones, counted
// like justice's (before, the transfer rule's full grant hid the other).
TEST_F(MaskedSearchLimitTest, ThePolicesSearchesByNumberAreCountedToo) {
  ASSERT_TRUE(As("market").SubmitCase(SampleCase()).ok());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(SearchId("psb", kZhangId).ok()) << i;
  auto over = SearchId("psb", kZhangId);
  EXPECT_EQ(over.status().code(), absl::StatusCode::kResourceExhausted) << over.status();
}

TEST_F(MaskedSearchLimitTest, OverTheLimitIsResourceExhausted) {
  ASSERT_TRUE(As("market").SubmitCase(SampleCase()).ok());
  // justice sees identity numbers masked: its party-id searches count.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(SearchId("justice", kZhangId).ok()) << i;
  auto over = SearchId("justice", kZhangId);
  EXPECT_EQ(over.status().code(), absl::StatusCode::kResourceExhausted) << over.status();
  EXPECT_THAT(std::string(over.status().message()),
              HasSubstr("limits.masked_searches_per_agency_per_hour"));
  EXPECT_EQ(DeniedMetric(), 1);
  // Names are not masked for justice; other filters are not limited.
  EXPECT_EQ(SearchName("justice", "某市某商贸有限公司").size(), 1u);
  // The procuratorate sees numbers in full: no limit.
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(SearchId("procuratorate", kZhangId).ok()) << i;
  // The refusal is on the record.
  v1::AgencyAccessRequest q;
  q.set_agency_id("justice");
  auto log = As("procuratorate").AgencyAccess(q);
  ASSERT_TRUE(log.ok()) << log.status();
  int refused = 0;
  for (const auto& e : log->entries()) {
    if (e.status_code() == static_cast<int>(absl::StatusCode::kResourceExhausted)) {
      ++refused;
      EXPECT_FALSE(e.searched_party_hmac().empty());
    }
  }
  EXPECT_EQ(refused, 1);
  // The bucket refills over the hour.
  Advance(absl::Minutes(21));
  EXPECT_TRUE(SearchId("justice", kZhangId).ok());
  EXPECT_EQ(SearchId("justice", kZhangId).status().code(), absl::StatusCode::kResourceExhausted);
  // Asking the log who accessed a number is the same oracle for justice
  // (it reads numbers masked): charged to the same bucket; the
  // procuratorate, which reads them in full, is not.
  v1::PartyAccessRequest who;
  who.set_party_id(kZhangId);
  auto asked = As("justice").PartyAccess(who);
  EXPECT_EQ(asked.status().code(), absl::StatusCode::kResourceExhausted) << asked.status();
  EXPECT_THAT(std::string(asked.status().message()), HasSubstr("PartyAccess"));
  Advance(absl::Minutes(21));
  EXPECT_TRUE(As("justice").PartyAccess(who).ok());
  EXPECT_EQ(As("justice").PartyAccess(who).status().code(), absl::StatusCode::kResourceExhausted);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(As("procuratorate").PartyAccess(who).ok()) << i;
}

// Filters on values a district's policy withholds are no oracle: a row whose
// filtered value the caller may not read matches no filter on it, whatever
// the value (annotations.proto, filters). The example policy withholds none
// of these fields; a district may: here towns read every case but not its
// outcome (status, penalty, major), the government reads working data only
// (PUBLIC denied: no domain, no owner).
TEST_F(TrustInputTest, AFilterOnAValueThePolicyWithholdsMatchesNothing) {
  StartWithExtraRules(
      "rules { name: \"town-others-no-outcome\" roles: [TOWN]\n"
      "  rpcs: [\"caselink.v1.CaseService/GetCase\", \"caselink.v1.CaseService/ListCases\", "
      "\"caselink.v1.CaseService/SearchCases\"]\n"
      "  rows { all: true }\n"
      "  fields { sensitivity: PUBLIC action: ALLOW } fields { sensitivity: INTERNAL action: ALLOW }\n"
      "  fields { path: \"penalty\" action: DENY } fields { path: \"status\" action: DENY }\n"
      "  fields { path: \"major\" action: DENY } fields { path: \"major_mark\" action: DENY } }\n"
      "rules { name: \"government-internal\" roles: [GOVERNMENT]\n"
      "  rpcs: [\"caselink.v1.CaseService/ListCases\", \"caselink.v1.CaseService/SearchCases\"]\n"
      "  rows { all: true } fields { sensitivity: INTERNAL action: ALLOW } }\n");
  const std::string id = NewCase("market");  // INVESTIGATING, decided 2024-04-01, MARKET_ORDER
  ASSERT_FALSE(id.empty());
  v1::GetCaseRequest get;
  get.set_case_id(id);
  get.set_purpose("核查");
  auto read = As("town-a").GetCase(get);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_FALSE(read->has_penalty());
  ASSERT_EQ(read->status(), v1::CASE_STATUS_UNSPECIFIED) << "the status is withheld from towns";

  auto search = [&](const std::string& agency, const std::function<void(v1::SearchCasesRequest*)>& set) {
    v1::SearchCasesRequest q;
    q.set_purpose("核查");
    set(&q);
    auto r = As(agency).SearchCases(q);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->cases_size() : -1;
  };
  // What the town reads still filters; what it does not read matches nothing.
  EXPECT_EQ(search("town-a", [](auto* q) { q->set_owner_agency("market"); }), 1);
  EXPECT_EQ(search("town-a", [](auto* q) { q->set_decided_from("2024-04-01"); q->set_decided_to("2024-04-01"); }), 0);
  EXPECT_EQ(search("town-a", [](auto* q) { q->set_status(v1::INVESTIGATING); }), 0);
  EXPECT_EQ(search("town-a", [](auto* q) { q->set_major_only(true); }), 0);

  auto list = [&](const std::function<void(v1::ListCasesRequest*)>& set) {
    v1::ListCasesRequest q;
    q.set_purpose("核查");
    set(&q);
    auto r = As("government").ListCases(q);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->cases_size() : -1;
  };
  EXPECT_EQ(list([](auto*) {}), 1) << "the government lists the case";
  EXPECT_EQ(list([](auto* q) { q->set_domain(v1::MARKET_ORDER); }), 0);
  EXPECT_EQ(list([](auto* q) { q->set_owner_agency("market"); }), 0);
}

// A version is read as its case is now: under a district's rule that selects
// rows by domain, a case moved out of the caller's domain is missing in every
// version, not only in its latest (its first version, still in the domain,
// read in full before).
TEST_F(TrustInputTest, AnOlderVersionIsReadAsTheCaseIsNow) {
  StartWithExtraRules(
      "rules { name: \"town-public-order\" roles: [TOWN]\n"
      "  rpcs: [\"caselink.v1.CaseService/GetCase\", \"caselink.v1.CaseService/ListCaseVersions\"]\n"
      "  rows { domains: [PUBLIC_ORDER] }\n"
      "  fields { sensitivity: PUBLIC action: ALLOW } fields { sensitivity: INTERNAL action: ALLOW }\n"
      "  fields { sensitivity: PERSONAL action: ALLOW } fields { sensitivity: PERSONAL_ID action: ALLOW }\n"
      "  fields { sensitivity: INVESTIGATIVE action: ALLOW } }\n");
  auto first = As("emergency").SubmitCase(SampleCase(v1::PUBLIC_ORDER));
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string id = first->case_().case_id();
  v1::GetCaseRequest get;
  get.set_case_id(id);
  get.set_purpose("核查");
  ASSERT_TRUE(As("town-a").GetCase(get).ok()) << "in the town's domain";

  v1::Case moved = first->case_();
  moved.set_domain(v1::WORK_SAFETY);
  auto second = As("emergency").SubmitCase(moved, /*expected_version=*/1);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->case_().version(), 2);

  EXPECT_EQ(As("town-a").GetCase(get).status().code(), absl::StatusCode::kNotFound);
  get.set_version(1);
  auto old = As("town-a").GetCase(get);
  EXPECT_EQ(old.status().code(), absl::StatusCode::kNotFound) << (old.ok() ? old->ShortDebugString() : "");
  EXPECT_EQ(std::string(old.status().message()), "case '" + id + "' not found");
  v1::ListCaseVersionsRequest versions;
  versions.set_case_id(id);
  versions.set_purpose("核查");
  EXPECT_EQ(As("town-a").ListCaseVersions(versions).status().code(), absl::StatusCode::kNotFound);
  // The owner still reads both.
  auto own = As("emergency").ListCaseVersions(versions);
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(own->versions_size(), 2);
}

// An event is read as its case is now: the police's Watch rule of a
// district selecting market-order cases only; a transfer's event, delivered
// after its case moved to another domain, no longer carries the case (it
// carried the case as it was when the transfer was made, in full).
TEST_F(TrustInputTest, AnEventsCaseIsReadAsTheCaseIsNow) {
  const std::string rule =
      "name: \"workflow-police\"\n  roles: [POLICE]\n"
      "  rpcs: [\"caselink.v1.WorkflowService/*\", \"caselink.v1.EventService/Watch\"]\n";
  const std::string rows = "  rows { own: true transferred: true }";
  std::string policy = TestDistrict::ExamplePolicyText();
  ASSERT_NE(policy.find(rule + rows), std::string::npos) << "the example policy changed";
  DistrictOptions o;
  o.policy_text = absl::StrReplaceAll(policy, {{rule + rows, rule + "  rows { domains: [MARKET_ORDER] }"}});
  district_.reset();
  StartDistrict(o);

  auto first = As("market").SubmitCase(SampleCase(v1::MARKET_ORDER));
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string id = first->case_().case_id();
  auto t = Forward(id);
  ASSERT_TRUE(t.ok()) << t.status();
  const std::string transfer = t->transfer().id();
  // The cases the procuratorate's stream carries with the transfer's event.
  auto event_cases = [&]() {
    std::vector<v1::Case> cases;
    bool seen = false;
    WatchOptions w;
    w.max_consecutive_failures = 1;
    WatchCanceller cancel;  // no hang if the event never comes
    std::thread timer([&cancel] {
      for (int i = 0; i < 100 && !cancel.cancelled(); ++i) absl::SleepFor(absl::Milliseconds(100));
      cancel.Cancel();
    });
    absl::Status s = As("psb").Watch(w, [&](const v1::Event& e) {
      if (e.item_id() != transfer) return true;
      cases.assign(e.cases().begin(), e.cases().end());
      seen = true;
      return false;
    }, &cancel);
    cancel.Cancel();
    timer.join();
    EXPECT_TRUE(s.ok()) << s;
    EXPECT_TRUE(seen) << "the receiver is told of its transfer";
    return cases;
  };
  std::vector<v1::Case> before = event_cases();
  ASSERT_EQ(before.size(), 1u) << "a market-order case, in the procuratorate's rows";
  EXPECT_EQ(before[0].case_id(), id);
  EXPECT_GT(before[0].parties_size(), 0);

  v1::Case moved = first->case_();
  moved.set_domain(v1::WORK_SAFETY);
  auto second = As("market").SubmitCase(moved, /*expected_version=*/1);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->case_().version(), 2);

  std::vector<v1::Case> after = event_cases();
  EXPECT_TRUE(after.empty()) << after.front().ShortDebugString();
}

}  // namespace
}  // namespace caselink::testing
