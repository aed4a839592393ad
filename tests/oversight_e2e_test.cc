// OversightService end to end, through the real server and client library:
// a hand-built ledger of two inspected agencies (cases decided inside and
// outside the campaign's period), a campaign of the justice bureau with the
// procuratorate and the emergency bureau on its team; validation and who may
// do what; the seeded draw (and the same draw in a second district holding
// the same ledger); a case added by hand; two reviewers and a revision; what
// an inspected agency and an uninvolved one see; a rectification notice
// returned once and then accepted, and one left overdue; the summary figures
// worked out by hand; and the access log of these calls.
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "caselink/pages.h"
#include "gmock/gmock.h"
#include "summary_row_figures.h"
#include "gtest/gtest.h"
#include "workflow_fixture.h"

namespace caselink::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAreArray;

// The campaign's period is [2024-01-01, 2024-03-01); the clock starts on
// 2024-03-05 (WorkflowTest::Start).
struct Row {
  std::string label;
  std::string agency;
  v1::Domain domain;
  std::string decision_date;  // "" : none
  std::string register_date;  // "" : none
  bool in_scope;
};

const Row kLedger[] = {
    {"M-in-1", "market", v1::MARKET_ORDER, "2024-01-10", "", true},
    {"M-in-2", "market", v1::MARKET_ORDER, "2024-01-20", "", true},
    {"M-in-3", "market", v1::MARKET_ORDER, "2024-02-05", "", true},
    {"M-in-4", "market", v1::MARKET_ORDER, "2024-02-29", "", true},    // the last day in scope
    {"M-out-1", "market", v1::MARKET_ORDER, "2023-12-31", "", false},  // the day before
    {"M-out-2", "market", v1::MARKET_ORDER, "2024-03-01", "", false},  // to_date itself
    {"M-oth-1", "market", v1::OTHER_DOMAIN, "2024-01-15", "", true},
    {"M-oth-2", "market", v1::OTHER_DOMAIN, "2024-02-10", "", true},
    {"E-ws-1", "emergency", v1::WORK_SAFETY, "2024-01-05", "", true},
    {"E-ws-2", "emergency", v1::WORK_SAFETY, "2024-01-25", "", true},
    {"E-ws-3", "emergency", v1::WORK_SAFETY, "2024-02-15", "", true},
    {"E-ws-reg", "emergency", v1::WORK_SAFETY, "", "2024-02-20", true},  // dated by its 立案
    {"E-ws-stored", "emergency", v1::WORK_SAFETY, "", "", false},        // dated by the day stored: 03-05
    {"E-ws-out", "emergency", v1::WORK_SAFETY, "2024-03-02", "", false},
    {"E-cs-1", "emergency", v1::CAMPUS_SAFETY, "2024-02-01", "", true},
    {"H-1", "hrss", v1::LABOUR_PROTECTION, "2024-02-01", "", false},  // not inspected
};

v1::Criterion Crit(const std::string& id, const std::string& name, int weight, int max_score) {
  v1::Criterion c;
  c.set_id(id);
  c.set_name(name);
  c.set_weight(weight);
  c.set_max_score(max_score);
  return c;
}

v1::CreateCampaignRequest CampaignRequest() {
  v1::CreateCampaignRequest req;
  v1::Campaign* c = req.mutable_campaign();
  c->set_name("2024年一季度行政处罚案卷专项评查");
  c->set_from_date("2024-01-01");
  c->set_to_date("2024-03-01");
  c->add_agencies("market");
  c->add_agencies("emergency");
  const std::pair<const char*, v1::TeamRole> team[] = {
      {"justice", v1::TEAM_LEADER}, {"procuratorate", v1::TEAM_MEMBER}, {"emergency", v1::TEAM_MEMBER}};
  for (const auto& [agency, role] : team) {
    v1::TeamMember* m = c->add_team();
    m->set_agency_id(agency);
    m->set_role(role);
  }
  *c->add_criteria() = Crit("law", "法律适用", 40, 10);
  *c->add_criteria() = Crit("procedure", "程序合法", 20, 5);
  *c->add_criteria() = Crit("evidence", "证据充分", 20, 10);
  *c->add_criteria() = Crit("documents", "文书规范", 20, 5);
  c->mutable_grades()->set_excellent_min(90);
  c->mutable_grades()->set_pass_min(60);
  return req;
}

std::vector<std::string> SampleIds(const v1::Sample& s) {
  std::vector<std::string> ids;
  for (const v1::SampledCase& c : s.cases()) ids.push_back(c.case_id());
  return ids;
}

class OversightTest : public WorkflowTest {
 protected:
  // Submits the ledger; label -> case id.
  std::map<std::string, std::string> SubmitLedger(TestDistrict& d) {
    std::map<std::string, std::string> ids;
    for (const Row& r : kLedger) {
      v1::Case c = SampleCase(r.domain, r.label);
      c.set_agency_reference(r.label);
      if (r.decision_date.empty()) {
        c.clear_penalty();
      } else {
        c.mutable_penalty()->set_decision_date(r.decision_date);
      }
      c.set_register_date(r.register_date);
      auto resp = d.As(r.agency).SubmitCase(c);
      EXPECT_TRUE(resp.ok()) << r.label << ": " << resp.status();
      if (resp.ok()) ids[r.label] = resp->case_().case_id();
    }
    return ids;
  }

  std::string CreateCampaign(Client& justice) {
    auto c = justice.CreateCampaign(CampaignRequest());
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? c->campaign().id() : "";
  }

  static absl::StatusOr<v1::SampleResponse> Draw(Client& c, const std::string& campaign, uint64_t seed, int size,
                                                 int fraction = 0, const std::string& request_id = "") {
    v1::DrawSampleRequest req;
    req.set_campaign_id(campaign);
    req.set_seed(seed);
    req.set_size_per_stratum(size);
    req.set_fraction_percent(fraction);
    req.set_request_id(request_id);
    return c.DrawSample(req);
  }

  static v1::SubmitReviewRequest Review(const std::string& campaign, const std::string& case_id,
                                        std::vector<int> s, std::vector<std::pair<std::string, std::string>> findings = {}) {
    v1::SubmitReviewRequest req;
    req.set_campaign_id(campaign);
    req.set_case_id(case_id);
    const char* ids[] = {"law", "procedure", "evidence", "documents"};
    for (int i = 0; i < 4; ++i) {
      v1::Score* x = req.add_scores();
      x->set_criterion_id(ids[i]);
      x->set_score(s[i]);
    }
    for (const auto& [criterion, text] : findings) {
      v1::Finding* f = req.add_findings();
      f->set_criterion_id(criterion);
      f->set_description(text);
      f->set_legal_basis("《行政处罚法》第四十四条");
    }
    req.set_comment("评查意见");
    return req;
  }

  static v1::GetCampaignRequest Get(const std::string& campaign) {
    v1::GetCampaignRequest g;
    g.set_campaign_id(campaign);
    return g;
  }
};

TEST_F(OversightTest, CreateCampaignValidatesAndOnlyTheJusticeBureauOrganises) {
  auto made = As("justice").CreateCampaign(CampaignRequest());
  ASSERT_TRUE(made.ok()) << made.status();
  const v1::Campaign& c = made->campaign();
  EXPECT_EQ(c.id()[0], 'K');
  EXPECT_EQ(c.organizer_agency(), "justice");
  EXPECT_EQ(c.team_size(), 3);
  EXPECT_EQ(c.team(0).agency_id(), "justice");
  EXPECT_EQ(c.team(0).role(), v1::TEAM_LEADER);
  EXPECT_FALSE(made->replayed());

  // A retry replays; the same request_id with another request is refused.
  v1::CreateCampaignRequest again = CampaignRequest();
  again.set_request_id("campaign-1");
  auto first = As("justice").CreateCampaign(again);
  ASSERT_TRUE(first.ok()) << first.status();
  auto retry = As("justice").CreateCampaign(again);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(retry->replayed());
  EXPECT_EQ(retry->campaign().id(), first->campaign().id());
  again.mutable_campaign()->set_name("另一个行动");
  EXPECT_EQ(As("justice").CreateCampaign(again).status().code(), absl::StatusCode::kAlreadyExists);

  v1::CreateCampaignRequest bad = CampaignRequest();
  bad.mutable_campaign()->mutable_criteria(3)->set_weight(19);  // 40 + 20 + 20 + 19 = 99
  auto weights = As("justice").CreateCampaign(bad);
  EXPECT_EQ(weights.status().code(), absl::StatusCode::kInvalidArgument) << weights.status();
  EXPECT_THAT(std::string(weights.status().message()), HasSubstr("campaign.criteria[3].weight: the weights sum to 99"));
  bad = CampaignRequest();
  bad.mutable_campaign()->add_agencies("fisheries");
  auto unknown = As("justice").CreateCampaign(bad);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument) << unknown.status();
  EXPECT_THAT(std::string(unknown.status().message()),
              HasSubstr("campaign.agencies[2]: 'fisheries' is not an agency of the district"));
  bad = CampaignRequest();
  bad.mutable_campaign()->mutable_team(0)->set_role(v1::TEAM_MEMBER);
  EXPECT_EQ(As("justice").CreateCampaign(bad).status().code(), absl::StatusCode::kInvalidArgument)
      << "the organiser leads the team";

  // The policy grants CreateCampaign to no one but the justice bureau.
  for (const char* agency : {"market", "procuratorate", "government"}) {
    auto denied = As(agency).CreateCampaign(CampaignRequest());
    EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied) << agency << ": " << denied.status();
    EXPECT_THAT(std::string(denied.status().message()), HasSubstr("OversightService/CreateCampaign"));
  }

  // Who sees it: the organiser, the team, the inspected agencies, the
  // government; nobody else, and they get the answer of a missing campaign.
  for (const char* agency : {"justice", "procuratorate", "emergency", "market", "government"}) {
    auto got = As(agency).GetCampaign(Get(c.id()));
    EXPECT_TRUE(got.ok()) << agency << ": " << got.status();
    auto listed = As(agency).ListCampaigns({});
    ASSERT_TRUE(listed.ok()) << agency << ": " << listed.status();
    EXPECT_EQ(listed->campaigns_size(), 2) << agency;
  }
  for (const char* agency : {"psb", "hrss"}) {
    auto hidden = As(agency).GetCampaign(Get(c.id()));
    auto missing = As(agency).GetCampaign(Get("K20240305-NOSUCHCAMPAIG"));
    EXPECT_EQ(hidden.status().code(), absl::StatusCode::kNotFound) << agency << ": " << hidden.status();
    EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(std::string(hidden.status().message()),
              absl::StrReplaceAll(std::string(missing.status().message()), {{"K20240305-NOSUCHCAMPAIG", c.id()}}));
    auto listed = As(agency).ListCampaigns({});
    ASSERT_TRUE(listed.ok()) << listed.status();
    EXPECT_EQ(listed->campaigns_size(), 0);
  }
}

// The policy may grant an RPC the campaign's own rules still refuse: the
// service names the rule.
TEST_F(OversightTest, TheServiceRefusesWhatThePolicyGrantsButTheCampaignDoesNot) {
  DistrictOptions o;
  o.policy_text = absl::StrReplaceAll(
      TestDistrict::ExamplePolicyText(),
      {{"rpcs: [\"caselink.v1.OversightService/GetCampaign\", \"caselink.v1.OversightService/ListCampaigns\",\n"
        "         \"caselink.v1.OversightService/GetSample\"",
        "rpcs: [\"caselink.v1.OversightService/GetCampaign\", \"caselink.v1.OversightService/ListCampaigns\",\n"
        "         \"caselink.v1.OversightService/CreateCampaign\", \"caselink.v1.OversightService/DrawSample\",\n"
        "         \"caselink.v1.OversightService/CreateRectification\", \"caselink.v1.OversightService/GetSample\""}});
  ASSERT_NE(o.policy_text, TestDistrict::ExamplePolicyText()) << "the policy's oversight-team rule changed shape";
  district_.reset();
  StartDistrict(std::move(o));
  auto ids = SubmitLedger(*district_);
  auto denied = As("market").CreateCampaign(CampaignRequest());
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied) << denied.status();
  EXPECT_THAT(std::string(denied.status().message()), HasSubstr("rule: oversight organiser"));
  const std::string campaign = CreateCampaign(As("justice"));
  auto not_organiser = Draw(As("procuratorate"), campaign, 42, 2);
  EXPECT_EQ(not_organiser.status().code(), absl::StatusCode::kPermissionDenied) << not_organiser.status();
  EXPECT_THAT(std::string(not_organiser.status().message()), HasSubstr("rule: oversight organiser"));
  ASSERT_TRUE(Draw(As("justice"), campaign, 42, 2).ok());
  // An inspected agency not on the team reviews nothing (the example policy
  // grants SubmitReview to enforcement agencies, which may sit on a team).
  auto sample = As("justice").GetSample(Get(campaign));
  ASSERT_TRUE(sample.ok());
  auto review = As("market").SubmitReview(Review(campaign, sample->sample().cases(0).case_id(), {10, 5, 10, 5}));
  EXPECT_EQ(review.status().code(), absl::StatusCode::kPermissionDenied) << review.status();
  EXPECT_THAT(std::string(review.status().message()), HasSubstr("rule: oversight team"));
  v1::AddSampleCaseRequest add;
  add.set_campaign_id(campaign);
  add.set_case_id(ids["M-out-1"]);
  add.set_reason("群众举报");
  EXPECT_EQ(As("market").AddSampleCase(add).status().code(), absl::StatusCode::kPermissionDenied);
}

// The same seed over the same ledger draws the same sample, in another
// district too (the draw is reproducible from the seed and the population).
TEST_F(OversightTest, SameSeedSameSampleInAFreshDistrict) {
  SubmitLedger(*district_);
  const std::string ledger_dir = district_->dir();
  district_->Stop();
  namespace fs = std::filesystem;
  const fs::path seed = fs::temp_directory_path() / absl::StrCat("caselink-oversight-seed-", getpid());
  fs::remove_all(seed);
  fs::create_directories(seed);
  fs::copy(fs::path(ledger_dir) / "db", seed / "db", fs::copy_options::recursive);
  fs::copy_file(fs::path(ledger_dir) / "audit-hmac.key", seed / "audit-hmac.key");

  std::vector<std::vector<std::string>> drawn;
  std::vector<uint64_t> seeds = {42, 42, 43};
  for (uint64_t s : seeds) {
    DistrictOptions o;
    o.seed_dir = seed.string();
    o.now = [this] { return absl::FromUnixNanos(now_ns_.load()); };
    auto d = TestDistrict::Start(std::move(o));
    ASSERT_TRUE(d.ok()) << d.status();
    const std::string campaign = CreateCampaign((*d)->As("justice"));
    auto sample = Draw((*d)->As("justice"), campaign, s, 2);
    ASSERT_TRUE(sample.ok()) << sample.status();
    EXPECT_EQ(sample->sample().seed(), s);
    drawn.push_back(SampleIds(sample->sample()));
  }
  fs::remove_all(seed);
  EXPECT_EQ(drawn[0].size(), 7u);
  EXPECT_EQ(drawn[0], drawn[1]) << "seed 42 in two districts holding the same ledger";
  EXPECT_NE(drawn[0], drawn[2]) << "seed 43 draws another sample";
}


TEST_F(OversightTest, SampleReviewsNoticesAndSummary) {
  std::map<std::string, std::string> ids = SubmitLedger(*district_);
  std::map<std::string, std::string> label_of;
  std::set<std::string> in_scope;
  for (const Row& r : kLedger) {
    label_of[ids[r.label]] = r.label;
    if (r.in_scope) in_scope.insert(ids[r.label]);
  }
  Client& justice = As("justice");
  const std::string campaign = CreateCampaign(justice);

  // --- The draw: 2 per stratum, seed 42. ---
  EXPECT_EQ(Draw(justice, campaign, 42, 2, 10).status().code(), absl::StatusCode::kInvalidArgument);
  auto review_early = As("procuratorate").SubmitReview(Review(campaign, ids["M-in-1"], {10, 5, 10, 5}));
  EXPECT_EQ(review_early.status().code(), absl::StatusCode::kFailedPrecondition) << "no sample yet";
  auto drawn = Draw(justice, campaign, 42, 2, 0, "draw-1");
  ASSERT_TRUE(drawn.ok()) << drawn.status();
  const v1::Sample& sample = drawn->sample();
  EXPECT_EQ(sample.seed(), 42u);
  EXPECT_EQ(sample.drawn_by(), "justice");
  ASSERT_EQ(sample.strata_size(), 4);
  const std::tuple<std::string, v1::Domain, int64_t, int64_t> strata[] = {
      {"emergency", v1::WORK_SAFETY, 4, 2},
      {"emergency", v1::CAMPUS_SAFETY, 1, 1},
      {"market", v1::MARKET_ORDER, 4, 2},
      {"market", v1::OTHER_DOMAIN, 2, 2}};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(sample.strata(i).agency_id(), std::get<0>(strata[i])) << i;
    EXPECT_EQ(sample.strata(i).domain(), std::get<1>(strata[i])) << i;
    EXPECT_EQ(sample.strata(i).population(), std::get<2>(strata[i])) << i;
    EXPECT_EQ(sample.strata(i).drawn(), std::get<3>(strata[i])) << i;
  }
  ASSERT_EQ(sample.cases_size(), 7);
  for (const v1::SampledCase& c : sample.cases()) {
    EXPECT_TRUE(in_scope.count(c.case_id())) << label_of[c.case_id()] << " is outside the campaign's scope";
    EXPECT_FALSE(c.by_hand());
  }
  // Drawn once: the same parameters (also seed 0, "any") replay it; others are refused naming the seed.
  auto same = Draw(justice, campaign, 42, 2);
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_TRUE(same->replayed());
  EXPECT_EQ(SampleIds(same->sample()), SampleIds(sample));
  auto retry = Draw(justice, campaign, 42, 2, 0, "draw-1");
  ASSERT_TRUE(retry.ok());
  EXPECT_TRUE(retry->replayed());
  auto other = Draw(justice, campaign, 43, 2);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists) << other.status();
  EXPECT_THAT(std::string(other.status().message()), HasSubstr("seed 42"));
  EXPECT_EQ(Draw(justice, campaign, 42, 3, 0, "draw-1").status().code(), absl::StatusCode::kAlreadyExists);

  // The cases of each agency in the sample, in case_id order.
  std::vector<std::string> market_drawn, emergency_drawn;
  for (const v1::SampledCase& c : sample.cases()) {
    (c.agency_id() == "market" ? market_drawn : emergency_drawn).push_back(c.case_id());
  }
  ASSERT_EQ(market_drawn.size(), 4u);
  ASSERT_EQ(emergency_drawn.size(), 3u);

  // --- A case added by hand. ---
  v1::AddSampleCaseRequest add;
  add.set_campaign_id(campaign);
  add.set_case_id(ids["M-out-1"]);
  EXPECT_EQ(As("procuratorate").AddSampleCase(add).status().code(), absl::StatusCode::kInvalidArgument)
      << "a reason is required";
  add.set_reason("群众投诉反映该案处罚明显不当");
  auto added = As("procuratorate").AddSampleCase(add);
  ASSERT_TRUE(added.ok()) << added.status();
  ASSERT_EQ(added->sample().cases_size(), 8);
  const v1::SampledCase& by_hand = added->sample().cases(7);
  EXPECT_EQ(by_hand.case_id(), ids["M-out-1"]);
  EXPECT_TRUE(by_hand.by_hand());
  EXPECT_EQ(by_hand.reason(), "群众投诉反映该案处罚明显不当");
  EXPECT_EQ(by_hand.added_by(), "procuratorate");
  EXPECT_EQ(by_hand.agency_id(), "market");
  auto twice = As("justice").AddSampleCase(add);
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kAlreadyExists) << twice.status();
  add.set_case_id(ids["H-1"]);
  auto not_inspected = As("justice").AddSampleCase(add);
  EXPECT_EQ(not_inspected.status().code(), absl::StatusCode::kNotFound) << not_inspected.status();
  // A team member adds only a case it knows: emergency reads no market
  // case, so one it got hold of answers as missing (the same words as a
  // case outside the campaign), and nothing links it to the team.
  add.set_case_id(ids["M-out-2"]);
  auto unknown = As("emergency").AddSampleCase(add);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound) << unknown.status();
  EXPECT_EQ(std::string(unknown.status().message()),
            absl::StrReplaceAll(std::string(not_inspected.status().message()), {{ids["H-1"], ids["M-out-2"]}}));

  // --- Reviews: two reviewers of one case, a revision, findings. ---
  const std::string m1 = market_drawn[0], m2 = market_drawn[1], e1 = emergency_drawn[0];
  auto j1 = justice.SubmitReview(Review(campaign, m1, {10, 5, 10, 5}));
  ASSERT_TRUE(j1.ok()) << j1.status();
  EXPECT_EQ(j1->review().version(), 1);
  EXPECT_EQ(j1->review().total_centi(), 10000);
  EXPECT_EQ(j1->review().grade(), v1::GRADE_EXCELLENT);
  EXPECT_EQ(j1->review().id(), absl::StrCat(campaign, "/", m1, "/justice/v1"));
  EXPECT_EQ(j1->review().case_agency(), "market");
  auto j2 = justice.SubmitReview(Review(campaign, m1, {9, 5, 9, 4}, {{"documents", "处罚决定书未载明文书编号"}}));
  ASSERT_TRUE(j2.ok()) << j2.status();
  EXPECT_EQ(j2->review().version(), 2);
  EXPECT_EQ(j2->review().total_centi(), 9000);
  EXPECT_EQ(j2->review().grade(), v1::GRADE_EXCELLENT) << "exactly at excellent_min";
  ASSERT_EQ(j2->review().findings_size(), 1);
  EXPECT_EQ(j2->review().findings(0).id(), absl::StrCat(campaign, "/", m1, "/justice/v2-1"));
  v1::SubmitReviewRequest p1_req = Review(campaign, m1, {8, 4, 7, 3},
                                          {{"law", "未引用具体条款项"}, {"evidence", "证据未经当事人质证"}});
  p1_req.set_request_id("review-p1");
  auto p1 = As("procuratorate").SubmitReview(p1_req);
  ASSERT_TRUE(p1.ok()) << p1.status();
  EXPECT_EQ(p1->review().total_centi(), 7400);
  EXPECT_EQ(p1->review().grade(), v1::GRADE_PASS);
  auto p1_again = As("procuratorate").SubmitReview(p1_req);
  ASSERT_TRUE(p1_again.ok()) << p1_again.status();
  EXPECT_TRUE(p1_again->replayed());
  EXPECT_EQ(p1_again->review().id(), p1->review().id());
  auto m2_review = justice.SubmitReview(Review(campaign, m2, {6, 3, 6, 3}, {{"procedure", "未告知陈述申辩权利"}}));
  ASSERT_TRUE(m2_review.ok()) << m2_review.status();
  EXPECT_EQ(m2_review->review().total_centi(), 6000);
  auto e1_review = As("emergency").SubmitReview(Review(campaign, e1, {5, 2, 5, 2}, {{"evidence", "现场检查笔录缺失"}}));
  ASSERT_TRUE(e1_review.ok()) << e1_review.status();
  EXPECT_EQ(e1_review->review().total_centi(), 4600);
  EXPECT_EQ(e1_review->review().grade(), v1::GRADE_FAIL);

  auto out_of_sample = justice.SubmitReview(Review(campaign, ids["M-out-2"], {10, 5, 10, 5}));
  EXPECT_EQ(out_of_sample.status().code(), absl::StatusCode::kFailedPrecondition) << out_of_sample.status();
  auto too_high = justice.SubmitReview(Review(campaign, m2, {10, 6, 10, 5}));
  EXPECT_EQ(too_high.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(too_high.status().message()), HasSubstr("scores[1].score"));
  v1::SubmitReviewRequest missing = Review(campaign, m2, {10, 5, 10, 5});
  missing.mutable_scores()->RemoveLast();
  EXPECT_EQ(justice.SubmitReview(missing).status().code(), absl::StatusCode::kInvalidArgument);

  v1::ListReviewsRequest lr;
  lr.set_campaign_id(campaign);
  lr.set_case_id(m1);
  auto latest = As("procuratorate").ListReviews(lr);
  ASSERT_TRUE(latest.ok()) << latest.status();
  ASSERT_EQ(latest->reviews_size(), 2);
  EXPECT_EQ(latest->reviews(0).reviewer_agency(), "justice");
  EXPECT_EQ(latest->reviews(0).version(), 2);
  EXPECT_EQ(latest->reviews(1).reviewer_agency(), "procuratorate");
  lr.set_history(true);
  auto history = As("procuratorate").ListReviews(lr);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->reviews_size(), 3);
  EXPECT_EQ(history->reviews(0).version(), 1);
  EXPECT_EQ(history->reviews(0).total_centi(), 10000);
  EXPECT_EQ(history->reviews(1).version(), 2);
  // Paged one at a time: the same reviews in the same order; a token is
  // bound to its filters.
  v1::ListReviewsRequest one = lr;
  one.set_page_size(1);
  auto paged = AllPages(one, [&](const v1::ListReviewsRequest& r) { return As("procuratorate").ListReviews(r); });
  ASSERT_TRUE(paged.ok()) << paged.status();
  ASSERT_EQ(paged->reviews_size(), history->reviews_size());
  for (int i = 0; i < paged->reviews_size(); ++i) EXPECT_EQ(paged->reviews(i).id(), history->reviews(i).id());
  auto first_page = As("procuratorate").ListReviews(one);
  ASSERT_TRUE(first_page.ok()) << first_page.status();
  ASSERT_FALSE(first_page->next_page_token().empty());
  v1::ListReviewsRequest latest_only = one;
  latest_only.set_history(false);
  latest_only.set_page_token(first_page->next_page_token());
  EXPECT_EQ(As("procuratorate").ListReviews(latest_only).status().code(), absl::StatusCode::kInvalidArgument);

  // --- What an inspected agency sees; what an uninvolved one gets. ---
  auto market_sample = As("market").GetSample(Get(campaign));
  ASSERT_TRUE(market_sample.ok()) << market_sample.status();
  EXPECT_EQ(market_sample->sample().cases_size(), 5);
  for (const auto& c : market_sample->sample().cases()) EXPECT_EQ(c.agency_id(), "market");
  for (const auto& s : market_sample->sample().strata()) EXPECT_EQ(s.agency_id(), "market");
  v1::ListReviewsRequest all_reviews;
  all_reviews.set_campaign_id(campaign);
  auto market_reviews = As("market").ListReviews(all_reviews);
  ASSERT_TRUE(market_reviews.ok());
  EXPECT_EQ(market_reviews->reviews_size(), 3) << "m1 twice (latest), m2; not e1";
  for (const auto& r : market_reviews->reviews()) EXPECT_EQ(r.case_agency(), "market");
  auto team_sample = As("emergency").GetSample(Get(campaign));
  ASSERT_TRUE(team_sample.ok());
  EXPECT_EQ(team_sample->sample().cases_size(), 8) << "a team member sees the whole sample";
  // ... but the population only of the strata it lists (its own): market's
  // undrawn cases are none of its business.
  ASSERT_EQ(team_sample->sample().strata_size(), 4);
  for (int i = 0; i < 4; ++i) {
    const v1::SampleStratum& x = team_sample->sample().strata(i);
    EXPECT_EQ(x.population(), x.agency_id() == "emergency" ? std::get<2>(strata[i]) : 0) << i;
    EXPECT_EQ(x.drawn(), std::get<3>(strata[i])) << i;
  }
  for (const char* agency : {"psb", "hrss"}) {
    EXPECT_EQ(As(agency).GetSample(Get(campaign)).status().code(), absl::StatusCode::kNotFound) << agency;
    EXPECT_EQ(As(agency).ListReviews(all_reviews).status().code(), absl::StatusCode::kNotFound) << agency;
    EXPECT_EQ(As(agency).GetCampaignSummary(Get(campaign)).status().code(), absl::StatusCode::kNotFound) << agency;
  }

  // --- A notice returned once, then accepted. ---
  v1::CreateRectificationRequest n1_req;
  n1_req.set_campaign_id(campaign);
  n1_req.set_receiver_agency("market");
  n1_req.add_case_ids(m1);
  n1_req.set_subject("法律适用不准确、证据未经质证、文书编号缺失，请逐项整改并报送整改报告");
  n1_req.set_due_date("2024-03-20");
  n1_req.set_document_number("某司监整〔2024〕1号");
  n1_req.add_finding_refs(p1->review().findings(0).id());
  n1_req.add_finding_refs(j2->review().findings(0).id());
  auto refuse = [&](v1::CreateRectificationRequest r, absl::StatusCode code, const std::string& text) {
    auto got = justice.CreateRectification(r);
    EXPECT_EQ(got.status().code(), code) << got.status();
    EXPECT_THAT(std::string(got.status().message()), HasSubstr(text));
  };
  v1::CreateRectificationRequest bad = n1_req;
  bad.set_receiver_agency("hrss");
  refuse(bad, absl::StatusCode::kInvalidArgument, "receiver_agency");
  bad = n1_req;
  bad.add_case_ids(e1);
  refuse(bad, absl::StatusCode::kInvalidArgument, "case_ids[1]");
  bad = n1_req;
  bad.add_case_ids(ids["M-out-2"]);
  refuse(bad, absl::StatusCode::kFailedPrecondition, "case_ids[1]");
  bad = n1_req;
  bad.set_due_date("2024-03-04");
  refuse(bad, absl::StatusCode::kInvalidArgument, "due_date: 2024-03-04 is before today (2024-03-05");
  bad = n1_req;
  bad.add_finding_refs(e1_review->review().findings(0).id());
  refuse(bad, absl::StatusCode::kInvalidArgument, "finding_refs[2]");
  bad = n1_req;
  bad.clear_case_ids();
  refuse(bad, absl::StatusCode::kInvalidArgument, "case_ids");
  auto by_team = As("procuratorate").CreateRectification(n1_req);
  EXPECT_EQ(by_team.status().code(), absl::StatusCode::kPermissionDenied) << "the policy: only the justice bureau";

  auto n1 = justice.CreateRectification(n1_req);
  ASSERT_TRUE(n1.ok()) << n1.status();
  const std::string n1_id = n1->rectification().id();
  EXPECT_EQ(n1_id[0], 'R');
  EXPECT_EQ(n1->rectification().state(), v1::STATE_ISSUED);
  EXPECT_EQ(n1->rectification().campaign_id(), campaign);
  EXPECT_EQ(n1->rectification().finding_refs_size(), 2);
  ASSERT_TRUE(n1->rectification().has_deadline());
  EXPECT_EQ(Due(n1->rectification().deadline()), Cst(2024, 3, 21, 0, 0));
  // The addressee is told (its event stream), with the notice.
  bool told = false;
  for (const v1::Event& e : EventsOf(As("market"), 1)) {
    if (e.kind() == v1::EVENT_RECTIFICATION_CREATED && e.rectification().id() == n1_id) told = true;
  }
  EXPECT_TRUE(told) << "market gets EVENT_RECTIFICATION_CREATED";
  auto act = [&](const std::string& agency, v1::WorkflowAction a, const std::string& reason) {
    auto r = As(agency).ActOnRectification(Action(n1_id, a, reason));
    EXPECT_TRUE(r.ok()) << v1::WorkflowAction_Name(a) << ": " << r.status();
    return r.ok() ? r->rectification().state() : v1::STATE_UNSPECIFIED;
  };
  EXPECT_EQ(act("market", v1::ACTION_REPORT_RECTIFIED, "已重新核查法律依据并补充质证程序"), v1::STATE_RECTIFIED);
  EXPECT_EQ(act("justice", v1::ACTION_REJECT_RECTIFICATION, "文书编号问题未整改"), v1::STATE_ISSUED);
  EXPECT_EQ(act("market", v1::ACTION_REPORT_RECTIFIED, "已补编文书编号并建立编号台账"), v1::STATE_RECTIFIED);
  EXPECT_EQ(act("justice", v1::ACTION_CONFIRM_RECTIFICATION, ""), v1::STATE_CLOSED);
  v1::GetItemRequest gi;
  gi.set_id(n1_id);
  auto n1_read = As("market").GetRectification(gi);
  ASSERT_TRUE(n1_read.ok()) << n1_read.status();
  EXPECT_EQ(n1_read->history_size(), 5);
  EXPECT_EQ(As("psb").GetRectification(gi).status().code(), absl::StatusCode::kNotFound)
      << "not a party to the notice";

  // --- A notice left past its due date. ---
  v1::CreateRectificationRequest n2_req;
  n2_req.set_campaign_id(campaign);
  n2_req.set_receiver_agency("market");
  n2_req.add_case_ids(m2);
  n2_req.set_subject("未告知陈述申辩权利，请整改");
  n2_req.set_due_date("2024-03-06");
  n2_req.add_finding_refs(m2_review->review().findings(0).id());
  auto n2 = justice.CreateRectification(n2_req);
  ASSERT_TRUE(n2.ok()) << n2.status();
  const std::string n2_id = n2->rectification().id();
  SetNow(Cst(2024, 3, 8, 9, 0));
  auto listed = As("market").ListRectifications({});
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->rectifications_size(), 2);
  auto overdue = As("market").ListOverdue();
  ASSERT_TRUE(overdue.ok()) << overdue.status();
  std::vector<std::string> overdue_ids;
  for (const auto& r : overdue->rectifications()) overdue_ids.push_back(r.id());
  EXPECT_THAT(overdue_ids, ElementsAre(n2_id)) << "WorkflowService.ListOverdue lists the overdue notice";

  // --- The summary, worked out by hand. Per case (mean of the reviewers'
  // latest reviews), per criterion scaled to 0-100 in hundredths:
  //   m1: justice v2 9000, procuratorate 7400 -> 8200 合格
  //       law 8500, procedure 9000, evidence 8000, documents 7000
  //   m2: justice 6000 -> 6000 合格; every criterion 6000
  //   e1: emergency 4600 -> 4600 不合格; law 5000, procedure 4000, evidence 5000, documents 4000
  // District: (8200 + 6000 + 4600) / 3 = 6266.67 -> 6267. ---
  auto summary = justice.GetCampaignSummary(Get(campaign));
  ASSERT_TRUE(summary.ok()) << summary.status();
  const std::vector<Figures> expected = {
      {"emergency", "", 3, 1, 4600, 0, 0, 1, 1, 0, 0, 0, 0},
      {"emergency", "law", 3, 1, 5000, 0, 0, 1, 0, 0, 0, 0, 0},
      {"emergency", "procedure", 3, 1, 4000, 0, 0, 1, 0, 0, 0, 0, 0},
      {"emergency", "evidence", 3, 1, 5000, 0, 0, 1, 1, 0, 0, 0, 0},
      {"emergency", "documents", 3, 1, 4000, 0, 0, 1, 0, 0, 0, 0, 0},
      {"market", "", 5, 2, 7100, 0, 2, 0, 4, 2, 1, 1, 1},
      {"market", "law", 5, 2, 7250, 0, 2, 0, 1, 0, 0, 0, 0},
      {"market", "procedure", 5, 2, 7500, 0, 2, 0, 1, 0, 0, 0, 0},
      {"market", "evidence", 5, 2, 7000, 0, 2, 0, 1, 0, 0, 0, 0},
      {"market", "documents", 5, 2, 6500, 0, 2, 0, 1, 0, 0, 0, 0},
      {"", "", 8, 3, 6267, 0, 2, 1, 5, 2, 1, 1, 1},
      {"", "law", 8, 3, 6500, 0, 2, 1, 1, 0, 0, 0, 0},
      {"", "procedure", 8, 3, 6333, 0, 2, 1, 1, 0, 0, 0, 0},
      {"", "evidence", 8, 3, 6333, 0, 2, 1, 2, 0, 0, 0, 0},
      {"", "documents", 8, 3, 5667, 0, 2, 1, 1, 0, 0, 0, 0},
  };
  ASSERT_EQ(summary->rows_size(), static_cast<int>(expected.size()));
  for (size_t i = 0; i < expected.size(); ++i) ExpectRow(summary->rows(static_cast<int>(i)), expected[i]);
  ASSERT_EQ(summary->differences_size(), 1);
  EXPECT_EQ(summary->differences(0).case_id(), m1);
  EXPECT_EQ(summary->differences(0).reviews_size(), 2);
  ASSERT_EQ(summary->overdue_size(), 1);
  EXPECT_EQ(summary->overdue(0).id(), n2_id);
  EXPECT_TRUE(summary->overdue(0).overdue());
  EXPECT_EQ(summary->campaign().id(), campaign);

  // The inspected agency: its rows and its own differences; not the
  // district's, which less its own would be emergency's (the only other
  // inspected agency).
  auto market_summary = As("market").GetCampaignSummary(Get(campaign));
  ASSERT_TRUE(market_summary.ok()) << market_summary.status();
  ASSERT_EQ(market_summary->rows_size(), 5);
  for (int i = 0; i < 5; ++i) ExpectRow(market_summary->rows(i), expected[5 + i]);
  EXPECT_EQ(market_summary->differences_size(), 1);
  EXPECT_EQ(market_summary->overdue_size(), 1);
  auto emergency_summary = As("emergency").GetCampaignSummary(Get(campaign));
  ASSERT_TRUE(emergency_summary.ok());
  EXPECT_EQ(emergency_summary->rows_size(), 15) << "on the team: every row";
  auto government_summary = As("government").GetCampaignSummary(Get(campaign));
  ASSERT_TRUE(government_summary.ok()) << government_summary.status();
  EXPECT_EQ(government_summary->rows_size(), 15);
  // Every row counts market's overdue notice, but the notice itself (what
  // market was told to rectify, its cases, its materials) shows only to
  // those GetRectification shows it to: not to a team member of another
  // agency, nor to the government.
  for (const auto* other : {&*emergency_summary, &*government_summary}) {
    ExpectRow(other->rows(5), expected[5]);
    EXPECT_EQ(other->overdue_size(), 0);
  }
  v1::GetItemRequest get_notice;
  get_notice.set_id(n2_id);
  EXPECT_EQ(As("emergency").GetRectification(get_notice).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(As("government").GetRectification(get_notice).status().code(), absl::StatusCode::kPermissionDenied)
      << "the government is not granted notices at all";

  // --- The joint-meeting report carries the campaign (行政执法监督, 四(一)) as
  // each caller sees its summary; a period it does not overlap, none. ---
  v1::JointMeetingReportRequest rr;
  rr.set_from_date("2024-02-01");
  rr.set_to_date("2024-04-01");
  rr.set_purpose("联席会议");
  auto gov_report = As("government").GetJointMeetingReport(rr);
  ASSERT_TRUE(gov_report.ok()) << gov_report.status();
  ASSERT_EQ(gov_report->campaigns_size(), 1);
  EXPECT_EQ(gov_report->campaigns(0).campaign().id(), campaign);
  EXPECT_EQ(gov_report->campaigns(0).rows_size(), 15);
  {
    // The report's access-log entry is the report's, not the campaign's.
    v1::AgencyAccessRequest who;
    who.set_agency_id("government");
    who.mutable_from()->set_seconds(0);
    who.set_limit(1000);
    who.set_purpose("审计");
    auto log = As("procuratorate").AgencyAccess(who);
    ASSERT_TRUE(log.ok()) << log.status();
    int reports = 0;
    for (const auto& e : log->entries()) {
      if (e.method() != "caselink.v1.ReportService/GetJointMeetingReport") continue;
      ++reports;
      EXPECT_NE(e.item_id(), campaign);
    }
    EXPECT_EQ(reports, 1);
  }
  auto market_report = As("market").GetJointMeetingReport(rr);
  ASSERT_TRUE(market_report.ok()) << market_report.status();
  ASSERT_EQ(market_report->campaigns_size(), 1);
  EXPECT_EQ(market_report->campaigns(0).rows_size(), 5) << "its own rows; the district's would be emergency's";
  auto hrss_report = As("hrss").GetJointMeetingReport(rr);
  ASSERT_TRUE(hrss_report.ok()) << hrss_report.status();
  EXPECT_EQ(hrss_report->campaigns_size(), 0) << "not inspected, not on the team";
  rr.set_from_date("2024-03-01");
  auto after = As("government").GetJointMeetingReport(rr);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->campaigns_size(), 0) << "the campaign's period ended before this one";

  // --- The overdue notice is objected to (行政执法监督条例 第三十条): the
  // issuer upholds it, then on a second objection withdraws it. ---
  auto act2 = [&](const std::string& agency, v1::WorkflowAction a, const std::string& reason) {
    auto r = As(agency).ActOnRectification(Action(n2_id, a, reason));
    EXPECT_TRUE(r.ok()) << v1::WorkflowAction_Name(a) << ": " << r.status();
    return r.ok() ? r->rectification().state() : v1::STATE_UNSPECIFIED;
  };
  auto by_issuer = As("justice").ActOnRectification(Action(n2_id, v1::ACTION_OBJECT, "自己提出异议"));
  EXPECT_EQ(by_issuer.status().code(), absl::StatusCode::kPermissionDenied) << "only the agency objects";
  EXPECT_EQ(act2("market", v1::ACTION_OBJECT, "已在听证程序中告知, 见听证笔录"), v1::STATE_OBJECTION_RAISED);
  EXPECT_EQ(act2("justice", v1::ACTION_UPHOLD_ON_REVIEW, "听证笔录未载明告知内容"), v1::STATE_ISSUED);
  EXPECT_EQ(act2("market", v1::ACTION_OBJECT, "补充提交告知书送达回证"), v1::STATE_OBJECTION_RAISED);
  EXPECT_EQ(act2("justice", v1::ACTION_WITHDRAW_ON_REVIEW, "送达回证证明已告知, 撤回通知"), v1::STATE_CLOSED);

  // --- The access log has these calls, with the cases they named. ---
  v1::AgencyAccessRequest audit;
  audit.mutable_from()->set_seconds(0);
  audit.set_limit(1000);
  audit.set_purpose("执法监督专项行动访问审计");
  std::map<std::string, std::set<std::string>> cases_by_method;  // agency:method -> cases
  std::map<std::string, int> refusals;
  for (const char* agency : {"justice", "market", "procuratorate", "emergency", "psb"}) {
    audit.set_agency_id(agency);
    auto log = As("procuratorate").AgencyAccess(audit);
    ASSERT_TRUE(log.ok()) << log.status();
    for (const auto& e : log->entries()) {
      const std::string key = absl::StrCat(agency, ":", e.method().substr(e.method().rfind('/') + 1));
      if (e.method().find("OversightService") == std::string::npos) continue;
      if (e.status_code() != 0) {
        ++refusals[key];
        continue;
      }
      cases_by_method[key].insert(e.case_ids().begin(), e.case_ids().end());
      if (key.find("ListCampaigns") == std::string::npos) {
        EXPECT_TRUE(e.item_id() == campaign || e.item_id() == n1_id || e.item_id() == n2_id ||
                    key.find("Rectification") != std::string::npos)
            << key << " names item '" << e.item_id() << "'";
      }
    }
  }
  EXPECT_TRUE(cases_by_method.count("justice:CreateCampaign"));
  EXPECT_THAT(cases_by_method["justice:DrawSample"], UnorderedElementsAreArray(SampleIds(sample)));
  EXPECT_TRUE(cases_by_method["procuratorate:AddSampleCase"].count(ids["M-out-1"]));
  EXPECT_TRUE(cases_by_method["procuratorate:SubmitReview"].count(m1));
  EXPECT_TRUE(cases_by_method["emergency:SubmitReview"].count(e1));
  EXPECT_TRUE(cases_by_method["justice:CreateRectification"].count(m1));
  EXPECT_TRUE(cases_by_method["justice:ActOnRectification"].count(m1));
  EXPECT_TRUE(cases_by_method["market:ActOnRectification"].count(m1));
  EXPECT_TRUE(cases_by_method["justice:GetCampaignSummary"].count(m1)) << "the difference's case";
  // The inspected agency's reads name its own cases, and only those.
  std::set<std::string> market_cases(market_drawn.begin(), market_drawn.end());
  market_cases.insert(ids["M-out-1"]);
  EXPECT_EQ(cases_by_method["market:GetSample"], market_cases);
  EXPECT_EQ(cases_by_method["market:ListReviews"], (std::set<std::string>{m1, m2}));
  // The team member's read of the whole sample names the other agency's cases.
  EXPECT_EQ(cases_by_method["emergency:GetSample"].size(), 8u);
  EXPECT_GE(refusals["psb:GetSample"], 1) << "refused reads are logged too";
  EXPECT_GE(refusals["justice:DrawSample"], 1);
}

// The inspection team reads the cases it reviews (案卷评查 works from the case
// file): a team member that is an enforcement agency reads the other agency's
// sampled cases, drawn or added by hand, as the justice bureau reads them
// (identity numbers masked, facts in full), and no other case of the inspected
// agency; an agency not on the team reads none; each read is in the log.
TEST_F(OversightTest, TheTeamReadsTheSampledCasesAndNoOthers) {
  std::map<std::string, std::string> ids = SubmitLedger(*district_);
  const std::string campaign = CreateCampaign(As("justice"));
  auto read = [&](const std::string& agency, const std::string& case_id) {
    v1::GetCaseRequest g;
    g.set_case_id(case_id);
    g.set_purpose("案卷评查");
    return As(agency).GetCase(g);
  };
  EXPECT_EQ(read("emergency", ids["M-in-1"]).status().code(), absl::StatusCode::kNotFound)
      << "no sample yet: the campaign alone grants nothing";

  auto drawn = Draw(As("justice"), campaign, 42, 2);
  ASSERT_TRUE(drawn.ok()) << drawn.status();
  std::set<std::string> market_drawn;
  for (const v1::SampledCase& c : drawn->sample().cases()) {
    if (c.agency_id() == "market") market_drawn.insert(c.case_id());
  }
  ASSERT_EQ(market_drawn.size(), 4u);
  for (const std::string& id : market_drawn) {
    auto seen = read("emergency", id);
    ASSERT_TRUE(seen.ok()) << id << ": " << seen.status();
    auto own = read("market", id);
    ASSERT_TRUE(own.ok()) << own.status();
    ASSERT_GT(seen->parties_size(), 0);
    EXPECT_EQ(seen->facts(), own->facts()) << "the facts are what the review is about";
    EXPECT_EQ(seen->parties(0).person().name(), own->parties(0).person().name());
    EXPECT_FALSE(seen->parties(0).person().id_number().empty());
    EXPECT_NE(seen->parties(0).person().id_number(), own->parties(0).person().id_number())
        << "identity numbers are masked for the team, as for the justice bureau";
    v1::ListCaseVersionsRequest versions;
    versions.set_case_id(id);
    versions.set_purpose("案卷评查");
    auto history = As("emergency").ListCaseVersions(versions);
    ASSERT_TRUE(history.ok()) << history.status();
    EXPECT_GE(history->versions_size(), 1);
    // Not on the team: another enforcement agency and a town read nothing.
    EXPECT_EQ(read("hrss", id).status().code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(read("town-a", id).status().code(), absl::StatusCode::kNotFound);
  }
  // Market's cases outside the sample (in scope but not drawn, out of scope)
  // and a case of an agency the campaign does not inspect stay hidden.
  int hidden = 0;
  for (const Row& r : kLedger) {
    if (r.agency == "emergency" || market_drawn.count(ids[r.label])) continue;
    EXPECT_EQ(read("emergency", ids[r.label]).status().code(), absl::StatusCode::kNotFound) << r.label;
    ++hidden;
  }
  EXPECT_EQ(hidden, 5) << "4 of market's cases outside the sample and hrss's case";

  // A case added by hand is read by the team from then on.
  EXPECT_EQ(read("emergency", ids["M-out-1"]).status().code(), absl::StatusCode::kNotFound);
  v1::AddSampleCaseRequest add;
  add.set_campaign_id(campaign);
  add.set_case_id(ids["M-out-1"]);
  add.set_reason("群众投诉反映该案处罚明显不当");
  ASSERT_TRUE(As("procuratorate").AddSampleCase(add).ok());
  EXPECT_TRUE(read("emergency", ids["M-out-1"]).ok());
  EXPECT_EQ(read("hrss", ids["M-out-1"]).status().code(), absl::StatusCode::kNotFound);

  // The log has each read, with the case and the masked field.
  std::set<std::string> read_ok;
  for (const auto& e : LoggedCalls("emergency", "CaseService/GetCase")) {
    read_ok.insert(e.case_ids().begin(), e.case_ids().end());
    EXPECT_THAT(std::vector<std::string>(e.fields_masked().begin(), e.fields_masked().end()),
                ::testing::Contains("parties.person.id_number"));
  }
  std::set<std::string> want = market_drawn;
  want.insert(ids["M-out-1"]);
  EXPECT_EQ(read_ok, want);
}

// An inspected agency's summary never lets it work out another agency's
// review results: a district row less its own row is the other agencies'
// sum, so the district rows reach it only when at least two other inspected
// agencies have reviewed cases in them (docs/oversight.md, "The summary
// report"). The organiser still gets every row.
TEST_F(OversightTest, AnInspectedAgencysDistrictRowsNeverIsolateAnotherAgency) {
  const std::map<std::string, v1::Domain> inspected = {
      {"market", v1::MARKET_ORDER}, {"emergency", v1::WORK_SAFETY}, {"hrss", v1::LABOUR_PROTECTION}};
  std::map<std::string, std::string> case_of;  // agency -> its one case
  for (const auto& [agency, domain] : inspected) case_of[agency] = NewCase(agency, domain);
  auto created = As("justice").CreateCampaign(AnyDateCampaign({"market", "emergency", "hrss"}, {"procuratorate"}));
  ASSERT_TRUE(created.ok()) << created.status();
  const std::string campaign = created->campaign().id();
  ASSERT_TRUE(Draw(As("justice"), campaign, 7, 1).ok());
  // One criterion "law" of weight 100 out of 10: the total is score × 1000.
  auto review = [&](const std::string& agency, int score, bool finding) {
    v1::SubmitReviewRequest req;
    req.set_campaign_id(campaign);
    req.set_case_id(case_of[agency]);
    v1::Score* x = req.add_scores();
    x->set_criterion_id("law");
    x->set_score(score);
    if (finding) {
      v1::Finding* f = req.add_findings();
      f->set_criterion_id("law");
      f->set_description("适用法律错误");
    }
    auto r = As("justice").SubmitReview(req);
    EXPECT_TRUE(r.ok()) << agency << ": " << r.status();
  };
  auto summary_of = [&](const std::string& agency) {
    auto s = As(agency).GetCampaignSummary(Get(campaign));
    EXPECT_TRUE(s.ok()) << agency << ": " << s.status();
    return s.ok() ? *s : v1::CampaignSummary();
  };
  auto district_rows = [](const v1::CampaignSummary& s) {
    std::map<std::string, v1::SummaryRow> rows;  // criterion -> district row
    for (const v1::SummaryRow& r : s.rows()) {
      if (r.agency_id().empty()) rows[r.criterion_id()] = r;
    }
    return rows;
  };

  // Market and emergency reviewed: market's district rows less its own would
  // be emergency's 20.00 points, failed, one finding. Withheld, whole and
  // per criterion; the agency's own rows stay.
  review("market", 9, false);
  review("emergency", 2, true);
  const v1::CampaignSummary full = summary_of("justice");
  ASSERT_EQ(district_rows(full).size(), 2u) << "the organiser sees the district rows";
  EXPECT_EQ(district_rows(full)[""].cases_reviewed(), 2);
  for (const std::string agency : {"market", "emergency"}) {
    const v1::CampaignSummary narrow = summary_of(agency);
    EXPECT_TRUE(district_rows(narrow).empty()) << agency << " would subtract its own row and read the other's";
    ASSERT_EQ(narrow.rows_size(), 2) << agency;
    for (const v1::SummaryRow& r : narrow.rows()) EXPECT_EQ(r.agency_id(), agency);
  }
  // Nor through the joint-meeting report, which carries the same summary.
  v1::JointMeetingReportRequest rr;
  rr.set_from_date("2024-01-01");
  rr.set_to_date("2024-04-01");
  rr.set_purpose("联席会议");
  auto report = As("market").GetJointMeetingReport(rr);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->campaigns_size(), 1);
  EXPECT_EQ(report->campaigns(0).campaign().id(), campaign);
  EXPECT_TRUE(district_rows(report->campaigns(0)).empty()) << "the report's copy of the summary";
  EXPECT_EQ(report->campaigns(0).rows_size(), 2);

  // Hrss reviewed too: market's district rows less its own are now emergency's
  // and hrss's together, so it gets them (the organiser's figures). Emergency
  // likewise; hrss's has two others as well.
  review("hrss", 7, false);
  const std::map<std::string, v1::SummaryRow> all = district_rows(summary_of("justice"));
  ASSERT_EQ(all.size(), 2u);
  for (const std::string agency : {"market", "emergency", "hrss"}) {
    const std::map<std::string, v1::SummaryRow> seen = district_rows(summary_of(agency));
    ASSERT_EQ(seen.size(), 2u) << agency;
    for (const auto& [criterion, row] : all) {
      EXPECT_EQ(seen.at(criterion).SerializeAsString(), row.SerializeAsString()) << agency << " / " << criterion;
    }
  }
  EXPECT_EQ(all.at("").cases_reviewed(), 3);
  EXPECT_EQ(all.at("").average_centi(), 6000);
}

// A team member that reads only the sampled cases of an inspected agency
// does not learn from the sample how many of its cases were not drawn: the
// strata's populations (and a fraction draw's percentage, which bounds them)
// reach the organiser and those that list the stratum's cases.
TEST_F(OversightTest, ATeamMemberLearnsNoPopulationOfCasesItCannotRead) {
  // Two cases per stratum; a campaign drawn one per stratum, and one drawn by
  // a fraction, inspecting other agencies (a sample links its cases to the
  // team for good, so the two must not share cases).
  const std::map<std::string, v1::Domain> domain_of = {
      {"market", v1::MARKET_ORDER}, {"emergency", v1::WORK_SAFETY}, {"hrss", v1::LABOUR_PROTECTION}};
  std::map<std::string, std::vector<std::string>> cases_of;  // agency -> its cases
  for (const auto& [agency, domain] : domain_of) {
    for (int i = 0; i < 2; ++i) cases_of[agency].push_back(NewCase(agency, domain));
  }
  auto read = [&](const std::string& agency, const std::string& case_id) {
    v1::GetCaseRequest g;
    g.set_case_id(case_id);
    g.set_purpose("案卷评查");
    return As(agency).GetCase(g);
  };
  for (const bool by_fraction : {false, true}) {
    SCOPED_TRACE(by_fraction ? "fraction 50" : "per stratum 1");
    const std::vector<std::string> inspected =
        by_fraction ? std::vector<std::string>{"hrss"} : std::vector<std::string>{"market", "emergency"};
    auto created = As("justice").CreateCampaign(AnyDateCampaign(inspected, {"town-a", "procuratorate"}));
    ASSERT_TRUE(created.ok()) << created.status();
    const std::string campaign = created->campaign().id();
    auto drawn = by_fraction ? Draw(As("justice"), campaign, 11, 0, 50) : Draw(As("justice"), campaign, 11, 1);
    ASSERT_TRUE(drawn.ok()) << drawn.status();
    ASSERT_EQ(drawn->sample().strata_size(), static_cast<int>(inspected.size()));
    for (const v1::SampleStratum& x : drawn->sample().strata()) {
      EXPECT_EQ(x.population(), 2) << "the organiser: " << x.agency_id();
      EXPECT_EQ(x.drawn(), 1) << x.agency_id();
    }

    // town-a reads the drawn case of each stratum and not the other one.
    auto town = As("town-a").GetSample(Get(campaign));
    ASSERT_TRUE(town.ok()) << town.status();
    EXPECT_EQ(town->sample().cases_size(), static_cast<int>(inspected.size()));
    EXPECT_EQ(town->sample().fraction_percent(), 0) << "drawn = ceil(population × 50%) would bound the population";
    ASSERT_EQ(town->sample().strata_size(), static_cast<int>(inspected.size()));
    for (const v1::SampleStratum& x : town->sample().strata()) {
      int readable = 0;
      for (const std::string& id : cases_of[x.agency_id()]) readable += read("town-a", id).ok() ? 1 : 0;
      EXPECT_EQ(readable, 1) << x.agency_id() << ": only its drawn case";
      EXPECT_LE(x.population(), readable) << x.agency_id();
      EXPECT_EQ(x.population(), 0) << x.agency_id() << ": withheld";
      EXPECT_EQ(x.drawn(), 1) << x.agency_id() << ": the cases it is shown";
    }
    // The procuratorate on the team lists every case: it gets the populations.
    auto procuratorate = As("procuratorate").GetSample(Get(campaign));
    ASSERT_TRUE(procuratorate.ok()) << procuratorate.status();
    EXPECT_EQ(procuratorate->sample().fraction_percent(), by_fraction ? 50 : 0);
    for (const v1::SampleStratum& x : procuratorate->sample().strata()) EXPECT_EQ(x.population(), 2);
    // An inspected agency lists its own cases: its own stratum's population.
    auto own = As(inspected[0]).GetSample(Get(campaign));
    ASSERT_TRUE(own.ok()) << own.status();
    ASSERT_EQ(own->sample().strata_size(), 1);
    EXPECT_EQ(own->sample().strata(0).population(), 2);
    EXPECT_EQ(own->sample().fraction_percent(), by_fraction ? 50 : 0);
  }
}

}  // namespace
}  // namespace caselink::testing
