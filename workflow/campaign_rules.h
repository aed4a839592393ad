// The rules of an enforcement-supervision campaign (oversight.proto) as pure
// functions: what makes a campaign valid, how its sample is drawn (exactly
// reproducible from the seed), how a review is scored and graded, and the
// figures of the summary report. No storage, clock or transport. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "caselink/v1/oversight.pb.h"
#include "caselink/v1/workflow.pb.h"

namespace caselink::workflow {

// Two reviews of one case differ (CampaignSummary.differences) when their
// grades differ or their totals are this far apart or more: 10.00 points.
inline constexpr int32_t kReviewDifferenceCenti = 1000;

// The common multiple of the criteria's max_score values must stay within
// this, so totals are computed exactly in 64-bit integers (any checklist of
// the usual 5- or 10-point lines is far below it).
inline constexpr int64_t kMaxScoreScale = 1000000000000;  // 10^12

// INVALID_ARGUMENT naming the field path ("campaign.criteria[2].weight: ...")
// of the first problem: name missing; from_date / to_date not real dates
// "YYYY-MM-DD" or to_date not after from_date; a domain unspecified or twice;
// no inspected agency, an unknown one or one twice; a team agency unknown,
// twice or without a role; no criterion, an id not [a-z0-9_-]{1,32} or twice,
// a name missing, weights not summing to exactly 100 (each 1–100), a
// max_score outside 1–100; grades missing or not 0 ≤ pass_min ≤
// excellent_min ≤ 100. `known_agency` says whether the district has an agency.
absl::Status ValidateCampaign(const v1::Campaign& campaign,
                              const std::function<bool(const std::string&)>& known_agency);

// One case of a draw's population: the latest version of a case in scope.
struct PopulationCase {
  std::string case_id;
  std::string agency_id;
  v1::Domain domain = v1::DOMAIN_UNSPECIFIED;
};

struct SampleDraw {
  std::vector<v1::SampleStratum> strata;  // in draw order
  std::vector<v1::SampledCase> cases;     // by_hand false, ordered by case_id
};

// Draws a stratified sample. Exactly one of size_per_stratum (n = min(size,
// population)) and fraction_percent (n = ceil(population × percent / 100))
// is set, else INVALID_ARGUMENT. The algorithm, fixed so any implementation
// reproduces a draw from its seed and population:
//   1. strata are the (agency_id, domain) pairs of the population, ordered by
//      agency_id (bytewise) then by the Domain enum number;
//   2. one std::mt19937_64 is seeded with `seed` (its output is fixed by the
//      C++ standard) and used for the strata in that order;
//   3. in each stratum the case ids are sorted (bytewise) into a[0..m-1] and
//      shuffled by Fisher–Yates: for i = 0 .. m-2, j = i + Bounded(m - i),
//      swap a[i] and a[j]; the first n are drawn;
//      Bounded(k): draw x = engine() until x >= 2^64 mod k, return x mod k
//      (unbiased; std::uniform_int_distribution and std::shuffle are not
//      used: their output differs between standard libraries);
//   4. the drawn cases of all strata, sorted by case_id.
// Duplicate case ids in the population count once.
absl::StatusOr<SampleDraw> DrawSample(uint64_t seed, int32_t size_per_stratum, int32_t fraction_percent,
                                      std::vector<PopulationCase> population);

struct ReviewScore {
  int32_t total_centi = 0;  // 0–10000
  v1::Grade grade = v1::GRADE_UNSPECIFIED;
};

// Checks a review against the campaign's checklist and scores it.
// INVALID_ARGUMENT naming the field ("scores[1].score: ...") if a criterion
// is not scored, is scored twice or is unknown, a score exceeds its
// max_score, or a finding names an unknown criterion or has no description.
// total_centi = Σ weight × score × 100 / max_score, computed exactly and
// rounded half up to a whole hundredth; the grade by GradeOf.
absl::StatusOr<ReviewScore> ScoreReview(const v1::Campaign& campaign,
                                        const google::protobuf::RepeatedPtrField<v1::Score>& scores,
                                        const google::protobuf::RepeatedPtrField<v1::Finding>& findings);

// ≥ excellent_min points 优秀, ≥ pass_min 合格, else 不合格 (a total exactly
// at a threshold reaches it).
v1::Grade GradeOf(int32_t total_centi, const v1::GradeThresholds& thresholds);

// The summary report (专项行动总结报告) from everything the campaign holds:
// `sample` (drawn and hand-added cases), the latest review of each (case,
// reviewer), the campaign's rectification notices, and `now` (overdue).
// Rows, as the proto defines them: per inspected agency (ordered by id) the
// whole row (criterion "") then one row per criterion in checklist order;
// then the district (agency_id ""), the same shape over every agency.
//   - a case's value is the mean of its reviewers' latest reviews: of the
//     total (whole rows) or of the criterion's score scaled to 0–100
//     (criterion rows; a review's scaled score is first rounded to a whole
//     hundredth); each mean is rounded half up to a whole hundredth, and so
//     is average_centi, the mean over the reviewed cases;
//   - excellent / pass / fail count reviewed cases by the grade of the case's
//     averaged total, in every row of the agency (criterion rows too);
//   - findings: of the latest reviews (criterion rows: of that criterion);
//   - notices (whole rows only): to the agency; open = not CLOSED, overdue =
//     open and past the due date at `now`, accepted = CLOSED.
// differences: cases (by case_id) with two or more latest reviews whose
// grades differ or whose totals are kReviewDifferenceCenti or more apart,
// with those reviews by reviewer; overdue: the open notices past their due
// date (by id, overdue set). The caller filters what a viewer may see.
v1::CampaignSummary TallyCampaign(const v1::Campaign& campaign, const v1::Sample& sample,
                                  const std::vector<v1::Review>& latest_reviews,
                                  const std::vector<v1::Rectification>& rectifications, absl::Time now);

}  // namespace caselink::workflow
