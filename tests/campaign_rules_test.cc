// The rules of an enforcement-supervision campaign (workflow/campaign_rules.h)
// without a server: each validation error, the seeded draw (reproducible,
// pinned to a known vector so a change of algorithm fails here), scoring and
// grades at their boundaries, and the summary figures of a hand-built
// campaign worked out by hand.
#include "workflow/campaign_rules.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "caselink_common/proto_time.h"
#include "gmock/gmock.h"
#include "summary_row_figures.h"
#include "gtest/gtest.h"

namespace caselink::workflow {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

bool Known(const std::string& id) {
  static const std::set<std::string> kAgencies = {"justice", "procuratorate", "market", "emergency"};
  return kAgencies.count(id) > 0;
}

v1::Criterion Crit(const std::string& id, int weight, int max_score) {
  v1::Criterion c;
  c.set_id(id);
  c.set_name(absl::StrCat("评查项目 ", id));
  c.set_weight(weight);
  c.set_max_score(max_score);
  return c;
}

// 40/20/20/20 over law (max 10), procedure (5), evidence (10), documents (5).
v1::Campaign Campaign() {
  v1::Campaign c;
  c.set_name("2024年行政处罚案卷专项评查");
  c.set_from_date("2024-01-01");
  c.set_to_date("2024-07-01");
  c.add_agencies("market");
  c.add_agencies("emergency");
  auto* leader = c.add_team();
  leader->set_agency_id("justice");
  leader->set_role(v1::TEAM_LEADER);
  auto* member = c.add_team();
  member->set_agency_id("procuratorate");
  member->set_role(v1::TEAM_MEMBER);
  *c.add_criteria() = Crit("law", 40, 10);
  *c.add_criteria() = Crit("procedure", 20, 5);
  *c.add_criteria() = Crit("evidence", 20, 10);
  *c.add_criteria() = Crit("documents", 20, 5);
  c.mutable_grades()->set_excellent_min(90);
  c.mutable_grades()->set_pass_min(60);
  return c;
}

void ExpectInvalid(const v1::Campaign& c, const std::string& field_and_more) {
  absl::Status s = ValidateCampaign(c, Known);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr(field_and_more));
}

TEST(ValidateCampaignTest, AcceptsAGoodCampaign) { EXPECT_TRUE(ValidateCampaign(Campaign(), Known).ok()); }

TEST(ValidateCampaignTest, NamesTheFieldOfEachError) {
  v1::Campaign c = Campaign();
  c.clear_name();
  ExpectInvalid(c, "campaign.name: is required");

  c = Campaign();
  c.set_from_date("2024-02-30");
  ExpectInvalid(c, "campaign.from_date: \"2024-02-30\" is not a date");
  c = Campaign();
  c.set_to_date("2024/07/01");
  ExpectInvalid(c, "campaign.to_date:");
  c = Campaign();
  c.set_to_date("2024-01-01");
  ExpectInvalid(c, "campaign.to_date: must be after from_date");

  c = Campaign();
  c.add_domains(v1::MARKET_ORDER);
  c.add_domains(v1::MARKET_ORDER);
  ExpectInvalid(c, "campaign.domains[1]: MARKET_ORDER is named twice");
  c = Campaign();
  c.add_domains(v1::DOMAIN_UNSPECIFIED);
  ExpectInvalid(c, "campaign.domains[0]");

  c = Campaign();
  c.clear_agencies();
  ExpectInvalid(c, "campaign.agencies: name at least one");
  c = Campaign();
  c.add_agencies("nowhere");
  ExpectInvalid(c, "campaign.agencies[2]: 'nowhere' is not an agency");
  c = Campaign();
  c.add_agencies("market");
  ExpectInvalid(c, "campaign.agencies[2]: 'market' is named twice");

  c = Campaign();
  c.mutable_team(1)->set_agency_id("nowhere");
  ExpectInvalid(c, "campaign.team[1].agency_id: 'nowhere' is not an agency");
  c = Campaign();
  c.mutable_team(1)->set_agency_id("justice");
  ExpectInvalid(c, "campaign.team[1].agency_id: 'justice' is named twice");
  c = Campaign();
  c.mutable_team(1)->set_role(v1::TEAM_ROLE_UNSPECIFIED);
  ExpectInvalid(c, "campaign.team[1].role: is required");

  c = Campaign();
  c.clear_criteria();
  ExpectInvalid(c, "campaign.criteria: the checklist needs at least one criterion");
  c = Campaign();
  c.mutable_criteria(2)->set_id("Evidence");
  ExpectInvalid(c, "campaign.criteria[2].id: 'Evidence' is not 1-32 characters of [a-z0-9_-]");
  c = Campaign();
  c.mutable_criteria(2)->set_id(std::string(33, 'a'));
  ExpectInvalid(c, "campaign.criteria[2].id:");
  c = Campaign();
  c.mutable_criteria(3)->set_id("law");
  ExpectInvalid(c, "campaign.criteria[3].id: 'law' is used twice");
  c = Campaign();
  c.mutable_criteria(1)->clear_name();
  ExpectInvalid(c, "campaign.criteria[1].name: is required");
  c = Campaign();
  c.mutable_criteria(2)->set_weight(19);
  ExpectInvalid(c, "campaign.criteria[3].weight: the weights sum to 99; they must sum to exactly 100");
  c = Campaign();
  c.mutable_criteria(2)->set_weight(21);
  ExpectInvalid(c, "the weights sum to 101");
  c = Campaign();
  c.mutable_criteria(2)->set_weight(0);
  c.mutable_criteria(3)->set_weight(40);
  ExpectInvalid(c, "campaign.criteria[2].weight: 0 is not within 1-100");
  c = Campaign();
  c.mutable_criteria(2)->set_max_score(0);
  ExpectInvalid(c, "campaign.criteria[2].max_score: 0 is not within 1-100");

  c = Campaign();
  c.clear_grades();
  ExpectInvalid(c, "campaign.grades: is required");
  c = Campaign();
  c.mutable_grades()->set_pass_min(91);
  ExpectInvalid(c, "campaign.grades: pass_min 91 and excellent_min 90 must satisfy");
  c = Campaign();
  c.mutable_grades()->set_excellent_min(101);
  ExpectInvalid(c, "campaign.grades:");
  // The bounds themselves are fine.
  c = Campaign();
  c.mutable_grades()->set_pass_min(0);
  c.mutable_grades()->set_excellent_min(0);
  EXPECT_TRUE(ValidateCampaign(c, Known).ok());
  c.mutable_grades()->set_pass_min(100);
  c.mutable_grades()->set_excellent_min(100);
  EXPECT_TRUE(ValidateCampaign(c, Known).ok());
}

TEST(ValidateCampaignTest, RefusesAChecklistWithoutAnExactScale) {
  v1::Campaign c = Campaign();
  c.clear_criteria();
  // The primes 53..97 (ten of them, weight 10 each): their product is far past 10^12.
  for (int p : {53, 59, 61, 67, 71, 73, 79, 83, 89, 97}) *c.add_criteria() = Crit(absl::StrCat("p", p), 10, p);
  ExpectInvalid(c, "campaign.criteria: the max_score values have no common multiple up to 10^12");
}

// --- The draw. ---------------------------------------------------------------

std::vector<PopulationCase> Population() {
  std::vector<PopulationCase> p;
  for (int i = 1; i <= 10; ++i) p.push_back({absl::StrCat("C", 100 + i), "market", v1::MARKET_ORDER});
  for (int i = 11; i <= 15; ++i) p.push_back({absl::StrCat("C", 100 + i), "market", v1::OTHER_DOMAIN});
  for (int i = 16; i <= 20; ++i) p.push_back({absl::StrCat("C", 100 + i), "emergency", v1::WORK_SAFETY});
  p.push_back({"C121", "emergency", v1::MARKET_ORDER});  // a stratum of one
  return p;
}

std::vector<std::string> Ids(const SampleDraw& d) {
  std::vector<std::string> out;
  for (const v1::SampledCase& c : d.cases) out.push_back(c.case_id());
  return out;
}

TEST(DrawSampleTest, SameSeedSameSampleWhateverTheInputOrder) {
  auto a = DrawSample(42, 3, 0, Population());
  std::vector<PopulationCase> reversed = Population();
  std::reverse(reversed.begin(), reversed.end());
  auto b = DrawSample(42, 3, 0, reversed);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(Ids(*a), Ids(*b));
  auto c = DrawSample(43, 3, 0, Population());
  ASSERT_TRUE(c.ok());
  EXPECT_NE(Ids(*a), Ids(*c)) << "another seed draws another sample";
}

// The known vector: if this fails, the algorithm changed and every recorded
// seed now reproduces another sample. Do not update it without a new
// algorithm version recorded with the draws.
TEST(DrawSampleTest, KnownVector) {
  auto d = DrawSample(42, 3, 0, Population());
  ASSERT_TRUE(d.ok()) << d.status();
  // (Also what an independent implementation of the documented algorithm,
  // written in Python from the C++ standard's definition of mt19937_64, draws.)
  EXPECT_THAT(Ids(*d), ElementsAreArray(std::vector<std::string>{"C102", "C103", "C107", "C112", "C113", "C115",
                                                                 "C116", "C117", "C119", "C121"}));
  ASSERT_EQ(d->strata.size(), 4u);
  // Strata by agency, then by Domain number: WORK_SAFETY (2) before
  // MARKET_ORDER (5) before OTHER_DOMAIN (8).
  EXPECT_EQ(d->strata[0].agency_id(), "emergency");
  EXPECT_EQ(d->strata[0].domain(), v1::WORK_SAFETY);
  EXPECT_EQ(d->strata[0].population(), 5);
  EXPECT_EQ(d->strata[0].drawn(), 3);
  EXPECT_EQ(d->strata[1].domain(), v1::MARKET_ORDER);
  EXPECT_EQ(d->strata[1].population(), 1);
  EXPECT_EQ(d->strata[1].drawn(), 1) << "a stratum smaller than n gives all it has";
  EXPECT_EQ(d->strata[2].agency_id(), "market");
  EXPECT_EQ(d->strata[2].domain(), v1::MARKET_ORDER);
  EXPECT_EQ(d->strata[2].drawn(), 3);
  EXPECT_EQ(d->strata[3].domain(), v1::OTHER_DOMAIN);
  for (const v1::SampledCase& c : d->cases) EXPECT_FALSE(c.by_hand());
}

TEST(DrawSampleTest, FractionRoundsUpPerStratum) {
  auto d = DrawSample(7, 0, 25, Population());
  ASSERT_TRUE(d.ok()) << d.status();
  // ceil(10 × 25%) = 3, ceil(5 × 25%) = 2, ceil(5 × 25%) = 2, ceil(1 × 25%) = 1.
  std::vector<int64_t> drawn;
  for (const auto& s : d->strata) drawn.push_back(s.drawn());
  EXPECT_THAT(drawn, ElementsAre(2, 1, 3, 2));
  EXPECT_EQ(d->cases.size(), 8u);
  auto all = DrawSample(7, 0, 100, Population());
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->cases.size(), 21u);
  auto tenth = DrawSample(7, 0, 10, Population());
  ASSERT_TRUE(tenth.ok());
  EXPECT_EQ(tenth->cases.size(), 4u) << "ceil(10%) of each stratum is at least one case";
}

TEST(DrawSampleTest, StratumSmallerThanTheSizeGivesAll) {
  auto d = DrawSample(1, 100, 0, Population());
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->cases.size(), 21u);
  for (size_t i = 1; i < d->cases.size(); ++i) EXPECT_LT(d->cases[i - 1].case_id(), d->cases[i].case_id());
}

TEST(DrawSampleTest, ExactlyOneSizeIsSet) {
  EXPECT_EQ(DrawSample(1, 0, 0, Population()).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DrawSample(1, 2, 10, Population()).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DrawSample(1, 0, 101, Population()).status().code(), absl::StatusCode::kInvalidArgument);
  auto empty = DrawSample(1, 2, 0, {});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->cases.empty());
}

// --- Scoring. ----------------------------------------------------------------

google::protobuf::RepeatedPtrField<v1::Score> Scores(std::vector<std::pair<std::string, int>> s) {
  google::protobuf::RepeatedPtrField<v1::Score> out;
  for (const auto& [id, v] : s) {
    v1::Score* x = out.Add();
    x->set_criterion_id(id);
    x->set_score(v);
  }
  return out;
}

google::protobuf::RepeatedPtrField<v1::Finding> Findings(std::vector<std::string> criteria) {
  google::protobuf::RepeatedPtrField<v1::Finding> out;
  for (const std::string& c : criteria) {
    v1::Finding* f = out.Add();
    f->set_criterion_id(c);
    f->set_description("问题");
  }
  return out;
}

TEST(ScoreReviewTest, WeightedTotalAndGrade) {
  auto full = ScoreReview(Campaign(), Scores({{"law", 10}, {"procedure", 5}, {"evidence", 10}, {"documents", 5}}), {});
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_EQ(full->total_centi, 10000);
  EXPECT_EQ(full->grade, v1::GRADE_EXCELLENT);
  // 40×8/10 + 20×4/5 + 20×7/10 + 20×3/5 = 32 + 16 + 14 + 12 = 74.
  auto r = ScoreReview(Campaign(), Scores({{"documents", 3}, {"law", 8}, {"procedure", 4}, {"evidence", 7}}),
                       Findings({"law", "documents"}));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->total_centi, 7400);
  EXPECT_EQ(r->grade, v1::GRADE_PASS);
  auto zero = ScoreReview(Campaign(), Scores({{"law", 0}, {"procedure", 0}, {"evidence", 0}, {"documents", 0}}), {});
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(zero->total_centi, 0);
  EXPECT_EQ(zero->grade, v1::GRADE_FAIL);
}

TEST(ScoreReviewTest, RoundsHalfUpToAHundredth) {
  v1::Campaign c = Campaign();
  c.clear_criteria();
  *c.add_criteria() = Crit("a", 1, 8);
  *c.add_criteria() = Crit("b", 66, 1);
  *c.add_criteria() = Crit("c", 33, 3);
  // 1×1/8 = 0.125 points = 12.5 hundredths -> 13.
  auto half = ScoreReview(c, Scores({{"a", 1}, {"b", 0}, {"c", 0}}), {});
  ASSERT_TRUE(half.ok()) << half.status();
  EXPECT_EQ(half->total_centi, 13);
  // 33×1/3 = 11 exactly; 1×3/8 + 33×2/3 = 0.375 + 22 = 22.375 -> 2238.
  auto exact = ScoreReview(c, Scores({{"a", 0}, {"b", 0}, {"c", 1}}), {});
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->total_centi, 1100);
  auto mixed = ScoreReview(c, Scores({{"a", 3}, {"b", 0}, {"c", 2}}), {});
  ASSERT_TRUE(mixed.ok());
  EXPECT_EQ(mixed->total_centi, 2238);
}

TEST(ScoreReviewTest, GradesExactlyAtTheThresholds) {
  v1::Campaign c = Campaign();
  c.clear_criteria();
  *c.add_criteria() = Crit("all", 100, 100);
  const std::pair<int, v1::Grade> cases[] = {{100, v1::GRADE_EXCELLENT}, {90, v1::GRADE_EXCELLENT},
                                             {89, v1::GRADE_PASS},       {60, v1::GRADE_PASS},
                                             {59, v1::GRADE_FAIL},       {0, v1::GRADE_FAIL}};
  for (const auto& [score, grade] : cases) {
    auto r = ScoreReview(c, Scores({{"all", score}}), {});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->total_centi, score * 100);
    EXPECT_EQ(r->grade, grade) << score;
  }
  v1::GradeThresholds g;
  g.set_excellent_min(90);
  g.set_pass_min(60);
  EXPECT_EQ(GradeOf(9000, g), v1::GRADE_EXCELLENT);
  EXPECT_EQ(GradeOf(8999, g), v1::GRADE_PASS);
  EXPECT_EQ(GradeOf(6000, g), v1::GRADE_PASS);
  EXPECT_EQ(GradeOf(5999, g), v1::GRADE_FAIL);
}

TEST(ScoreReviewTest, NamesTheFieldOfEachError) {
  auto expect = [](const google::protobuf::RepeatedPtrField<v1::Score>& s,
                   const google::protobuf::RepeatedPtrField<v1::Finding>& f, const std::string& msg) {
    auto r = ScoreReview(Campaign(), s, f);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(msg));
  };
  expect(Scores({{"law", 10}, {"procedure", 5}, {"evidence", 10}}), {}, "scores: criterion 'documents' is not scored");
  expect(Scores({{"law", 10}, {"procedure", 5}, {"evidence", 10}, {"documents", 5}, {"law", 1}}), {},
         "scores[4].criterion_id: 'law' is scored twice (also scores[0])");
  expect(Scores({{"law", 10}, {"style", 5}}), {}, "scores[1].criterion_id: 'style' is not a criterion");
  expect(Scores({{"law", 10}, {"procedure", 6}, {"evidence", 10}, {"documents", 5}}), {},
         "scores[1].score: 6 is not within 0-5");
  expect(Scores({{"law", 10}, {"procedure", 5}, {"evidence", 10}, {"documents", 5}}), Findings({"law", "style"}),
         "findings[1].criterion_id: 'style' is not a criterion");
  auto no_text = Findings({"law"});
  no_text[0].clear_description();
  expect(Scores({{"law", 10}, {"procedure", 5}, {"evidence", 10}, {"documents", 5}}), no_text,
         "findings[0].description: is required");
}

// --- The summary. ------------------------------------------------------------

v1::Review ReviewOf(const std::string& case_id, const std::string& agency, const std::string& reviewer,
                    std::vector<int> s, std::vector<std::string> findings = {}) {
  v1::Review r;
  r.set_case_id(case_id);
  r.set_case_agency(agency);
  r.set_reviewer_agency(reviewer);
  r.set_version(1);
  *r.mutable_scores() =
      Scores({{"law", s[0]}, {"procedure", s[1]}, {"evidence", s[2]}, {"documents", s[3]}});
  *r.mutable_findings() = Findings(findings);
  auto scored = ScoreReview(Campaign(), r.scores(), r.findings());
  EXPECT_TRUE(scored.ok()) << scored.status();
  r.set_total_centi(scored->total_centi);
  r.set_grade(scored->grade);
  r.set_id(absl::StrCat(case_id, "/", reviewer));
  return r;
}

v1::Rectification Notice(const std::string& id, const std::string& to, v1::WorkflowState state,
                         absl::Time due = absl::InfinitePast(), bool has_deadline = false) {
  v1::Rectification n;
  n.set_id(id);
  n.set_receiver_agency(to);
  n.set_state(state);
  if (has_deadline) *n.mutable_deadline()->mutable_due_time() = ToProtoTime(due);
  return n;
}

void AddCase(v1::Sample* s, const std::string& id, const std::string& agency, bool by_hand = false) {
  v1::SampledCase* c = s->add_cases();
  c->set_case_id(id);
  c->set_agency_id(agency);
  c->set_by_hand(by_hand);
}

using caselink::testing::ExpectRow;
using caselink::testing::Figures;

TEST(TallyCampaignTest, FiguresOfAHandBuiltCampaign) {
  const absl::Time now = absl::FromUnixSeconds(1720000000);
  v1::Sample sample;
  AddCase(&sample, "C-E1", "emergency");
  AddCase(&sample, "C-E2", "emergency");
  AddCase(&sample, "C-M1", "market");
  AddCase(&sample, "C-M2", "market");
  AddCase(&sample, "C-M3", "market", true);  // never reviewed
  const std::vector<v1::Review> reviews = {
      // C-M1: 100.00 优秀 and 74.00 合格 -> 87.00 合格; the grades differ.
      ReviewOf("C-M1", "market", "justice", {10, 5, 10, 5}, {"law"}),
      ReviewOf("C-M1", "market", "procuratorate", {8, 4, 7, 3}, {"law", "documents"}),
      // C-M2: 60.00 and 74.00, both 合格, 14 points apart -> 67.00.
      ReviewOf("C-M2", "market", "justice", {6, 3, 6, 3}, {"procedure"}),
      ReviewOf("C-M2", "market", "procuratorate", {7, 4, 7, 4}),
      // C-E1: 94.00 优秀 and 86.00 合格 -> 90.00 优秀 (exactly at the threshold).
      ReviewOf("C-E1", "emergency", "procuratorate", {9, 5, 9, 5}),
      ReviewOf("C-E1", "emergency", "emergency", {9, 4, 9, 4}),
      // C-E2: 46.00 and 50.00, both 不合格, 4 points apart: no difference -> 48.00.
      ReviewOf("C-E2", "emergency", "justice", {5, 2, 5, 2}, {"evidence", "documents"}),
      ReviewOf("C-E2", "emergency", "procuratorate", {5, 2, 5, 3}),
  };
  const std::vector<v1::Rectification> notices = {
      Notice("R1", "market", v1::STATE_CLOSED),
      Notice("R2", "market", v1::STATE_ISSUED, now - absl::Hours(1), true),  // overdue
      Notice("R3", "market", v1::STATE_RECTIFIED),
      Notice("R4", "emergency", v1::STATE_ISSUED, now + absl::Hours(1), true),
  };
  v1::Campaign campaign = Campaign();
  const v1::CampaignSummary s = TallyCampaign(campaign, sample, reviews, notices, now);
  ASSERT_EQ(s.rows_size(), 15);
  // Per case, per criterion scaled to 0-100 (hundredths), mean of reviewers:
  //   C-E1 law 9000 proc 9000 evid 9000 docs 9000   total 9000
  //   C-E2 law 5000 proc 4000 evid 5000 docs 5000   total 4800
  //   C-M1 law 9000 proc 9000 evid 8500 docs 8000   total 8700
  //   C-M2 law 6500 proc 7000 evid 6500 docs 7000   total 6700
  const std::vector<Figures> expected = {
      {"emergency", "", 2, 2, 6900, 1, 0, 1, 2, 1, 1, 0, 0},
      {"emergency", "law", 2, 2, 7000, 1, 0, 1, 0, 0, 0, 0, 0},
      {"emergency", "procedure", 2, 2, 6500, 1, 0, 1, 0, 0, 0, 0, 0},
      {"emergency", "evidence", 2, 2, 7000, 1, 0, 1, 1, 0, 0, 0, 0},
      {"emergency", "documents", 2, 2, 7000, 1, 0, 1, 1, 0, 0, 0, 0},
      {"market", "", 3, 2, 7700, 0, 2, 0, 4, 3, 2, 1, 1},
      {"market", "law", 3, 2, 7750, 0, 2, 0, 2, 0, 0, 0, 0},
      {"market", "procedure", 3, 2, 8000, 0, 2, 0, 1, 0, 0, 0, 0},
      {"market", "evidence", 3, 2, 7500, 0, 2, 0, 0, 0, 0, 0, 0},
      {"market", "documents", 3, 2, 7500, 0, 2, 0, 1, 0, 0, 0, 0},
      {"", "", 5, 4, 7300, 1, 2, 1, 6, 4, 3, 1, 1},
      {"", "law", 5, 4, 7375, 1, 2, 1, 2, 0, 0, 0, 0},
      {"", "procedure", 5, 4, 7250, 1, 2, 1, 1, 0, 0, 0, 0},
      {"", "evidence", 5, 4, 7250, 1, 2, 1, 1, 0, 0, 0, 0},
      {"", "documents", 5, 4, 7250, 1, 2, 1, 2, 0, 0, 0, 0},
  };
  for (int i = 0; i < s.rows_size(); ++i) ExpectRow(s.rows(i), expected[i]);

  ASSERT_EQ(s.differences_size(), 3);
  EXPECT_EQ(s.differences(0).case_id(), "C-E1");
  EXPECT_EQ(s.differences(0).agency_id(), "emergency");
  EXPECT_EQ(s.differences(1).case_id(), "C-M1");
  EXPECT_EQ(s.differences(2).case_id(), "C-M2");
  ASSERT_EQ(s.differences(1).reviews_size(), 2);
  EXPECT_EQ(s.differences(1).reviews(0).reviewer_agency(), "justice");
  EXPECT_EQ(s.differences(1).reviews(1).reviewer_agency(), "procuratorate");

  ASSERT_EQ(s.overdue_size(), 1);
  EXPECT_EQ(s.overdue(0).id(), "R2");
  EXPECT_TRUE(s.overdue(0).overdue());
  EXPECT_EQ(s.campaign().name(), campaign.name());
  EXPECT_EQ(FromProtoTime(s.generate_time()), now);
}

TEST(TallyCampaignTest, DifferenceThresholdIsTenPointsInclusive) {
  v1::Campaign c = Campaign();
  c.clear_criteria();
  *c.add_criteria() = Crit("all", 100, 100);
  auto review = [&](const std::string& case_id, const std::string& reviewer, int score) {
    v1::Review r;
    r.set_case_id(case_id);
    r.set_reviewer_agency(reviewer);
    *r.mutable_scores() = Scores({{"all", score}});
    auto scored = ScoreReview(c, r.scores(), r.findings());
    r.set_total_centi(scored->total_centi);
    r.set_grade(scored->grade);
    return r;
  };
  v1::Sample sample;
  AddCase(&sample, "A", "market");
  AddCase(&sample, "B", "market");
  const std::vector<v1::Review> reviews = {review("A", "justice", 80), review("A", "procuratorate", 70),
                                           review("B", "justice", 80), review("B", "procuratorate", 71)};
  const v1::CampaignSummary s = TallyCampaign(c, sample, reviews, {}, absl::UnixEpoch());
  ASSERT_EQ(s.differences_size(), 1);
  EXPECT_EQ(s.differences(0).case_id(), "A") << "10.00 points apart differ; 9.00 do not";
}

TEST(TallyCampaignTest, MeansRoundHalfUp) {
  v1::Campaign c = Campaign();
  c.clear_criteria();
  *c.add_criteria() = Crit("all", 100, 3);
  v1::Sample sample;
  AddCase(&sample, "A", "market");
  std::vector<v1::Review> reviews;
  for (const auto& [reviewer, score] : {std::pair<std::string, int>{"justice", 1}, {"procuratorate", 0}}) {
    v1::Review r;
    r.set_case_id("A");
    r.set_reviewer_agency(reviewer);
    *r.mutable_scores() = Scores({{"all", score}});
    auto scored = ScoreReview(c, r.scores(), r.findings());
    r.set_total_centi(scored->total_centi);  // 3333 and 0
    r.set_grade(scored->grade);
    reviews.push_back(r);
  }
  const v1::CampaignSummary s = TallyCampaign(c, sample, reviews, {}, absl::UnixEpoch());
  // emergency (nothing sampled), market, then the district, each the whole
  // row and the "all" row; (3333 + 0) / 2 = 1666.5 -> 1667.
  ASSERT_EQ(s.rows_size(), 6);
  EXPECT_EQ(s.rows(0).cases_reviewed(), 0);
  EXPECT_EQ(s.rows(0).average_centi(), 0);
  EXPECT_EQ(s.rows(2).agency_id(), "market");
  EXPECT_EQ(s.rows(2).average_centi(), 1667);
  EXPECT_EQ(s.rows(3).average_centi(), 1667);
  EXPECT_EQ(s.rows(4).agency_id(), "");
  EXPECT_EQ(s.rows(4).average_centi(), 1667);
}

}  // namespace
}  // namespace caselink::workflow
