#include "workflow/campaign_rules.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "caselink_common/proto_time.h"
#include "workflow/item_machine.h"

namespace caselink::workflow {
namespace {

absl::Status Invalid(const std::string& field, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", what));
}

bool IsDate(const std::string& s, absl::CivilDay* day) {
  return s.size() == 10 && absl::ParseCivilTime(s, day);
}

bool IsCriterionId(const std::string& id) {
  if (id.empty() || id.size() > 32) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

// The least common multiple of the max_scores, or 0 past kMaxScoreScale.
int64_t ScoreScale(const v1::Campaign& campaign) {
  int64_t scale = 1;
  for (const v1::Criterion& c : campaign.criteria()) {
    if (c.max_score() <= 0) return 0;
    scale = scale / std::gcd(scale, int64_t{c.max_score()}) * c.max_score();
    if (scale > kMaxScoreScale) return 0;
  }
  return scale;
}

// num / den rounded half up; both non-negative, den > 0.
int64_t RoundDiv(int64_t num, int64_t den) { return (2 * num + den) / (2 * den); }

absl::Status CheckAgencies(const std::string& field, const google::protobuf::RepeatedPtrField<std::string>& ids,
                           const std::function<bool(const std::string&)>& known) {
  std::set<std::string> seen;
  for (int i = 0; i < ids.size(); ++i) {
    const std::string path = absl::StrCat(field, "[", i, "]");
    if (!known(ids[i])) return Invalid(path, absl::StrCat("'", ids[i], "' is not an agency of the district"));
    if (!seen.insert(ids[i]).second) return Invalid(path, absl::StrCat("'", ids[i], "' is named twice"));
  }
  return absl::OkStatus();
}

absl::Status CheckCriteria(const v1::Campaign& campaign) {
  if (campaign.criteria().empty()) {
    return Invalid("campaign.criteria", "the checklist needs at least one criterion (e.g. law, procedure, evidence)");
  }
  std::set<std::string> ids;
  int sum = 0;
  for (int i = 0; i < campaign.criteria_size(); ++i) {
    const v1::Criterion& c = campaign.criteria(i);
    const std::string path = absl::StrCat("campaign.criteria[", i, "]");
    if (!IsCriterionId(c.id())) {
      return Invalid(path + ".id", absl::StrCat("'", c.id(), "' is not 1-32 characters of [a-z0-9_-]"));
    }
    if (!ids.insert(c.id()).second) return Invalid(path + ".id", absl::StrCat("'", c.id(), "' is used twice"));
    if (c.name().empty()) return Invalid(path + ".name", "is required");
    if (c.weight() < 1 || c.weight() > 100) {
      return Invalid(path + ".weight", absl::StrCat(c.weight(), " is not within 1-100"));
    }
    if (c.max_score() < 1 || c.max_score() > 100) {
      return Invalid(path + ".max_score", absl::StrCat(c.max_score(), " is not within 1-100"));
    }
    sum += c.weight();
  }
  if (sum != 100) {
    return Invalid(absl::StrCat("campaign.criteria[", campaign.criteria_size() - 1, "].weight"),
                   absl::StrCat("the weights sum to ", sum, "; they must sum to exactly 100"));
  }
  if (ScoreScale(campaign) == 0) {
    return Invalid("campaign.criteria", "the max_score values have no common multiple up to 10^12; "
                                        "use fewer different max_score values (e.g. all 5 or 10)");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateCampaign(const v1::Campaign& campaign,
                              const std::function<bool(const std::string&)>& known_agency) {
  if (campaign.name().empty()) return Invalid("campaign.name", "is required");
  absl::CivilDay from, to;
  if (!IsDate(campaign.from_date(), &from)) {
    return Invalid("campaign.from_date", absl::StrCat("\"", campaign.from_date(), "\" is not a date YYYY-MM-DD"));
  }
  if (!IsDate(campaign.to_date(), &to)) {
    return Invalid("campaign.to_date", absl::StrCat("\"", campaign.to_date(), "\" is not a date YYYY-MM-DD"));
  }
  if (to <= from) {
    return Invalid("campaign.to_date", absl::StrCat("must be after from_date (", campaign.from_date(),
                                                    "); the scope is [from_date, to_date)"));
  }
  std::set<int> domains;
  for (int i = 0; i < campaign.domains_size(); ++i) {
    const std::string path = absl::StrCat("campaign.domains[", i, "]");
    if (campaign.domains(i) == v1::DOMAIN_UNSPECIFIED) {
      return Invalid(path, "DOMAIN_UNSPECIFIED names no domain (leave domains empty for all)");
    }
    if (!domains.insert(campaign.domains(i)).second) {
      return Invalid(path, absl::StrCat(v1::Domain_Name(campaign.domains(i)), " is named twice"));
    }
  }
  if (campaign.agencies().empty()) {
    return Invalid("campaign.agencies", "name at least one agency to inspect (被检查单位)");
  }
  if (absl::Status s = CheckAgencies("campaign.agencies", campaign.agencies(), known_agency); !s.ok()) return s;
  std::set<std::string> team;
  for (int i = 0; i < campaign.team_size(); ++i) {
    const v1::TeamMember& m = campaign.team(i);
    const std::string path = absl::StrCat("campaign.team[", i, "]");
    if (!known_agency(m.agency_id())) {
      return Invalid(path + ".agency_id", absl::StrCat("'", m.agency_id(), "' is not an agency of the district"));
    }
    if (!team.insert(m.agency_id()).second) {
      return Invalid(path + ".agency_id", absl::StrCat("'", m.agency_id(), "' is named twice"));
    }
    if (m.role() == v1::TEAM_ROLE_UNSPECIFIED) return Invalid(path + ".role", "is required (TEAM_LEADER or TEAM_MEMBER)");
  }
  if (absl::Status s = CheckCriteria(campaign); !s.ok()) return s;
  if (!campaign.has_grades()) return Invalid("campaign.grades", "is required (e.g. excellent_min 90, pass_min 60)");
  const v1::GradeThresholds& g = campaign.grades();
  if (g.pass_min() < 0 || g.pass_min() > g.excellent_min() || g.excellent_min() > 100) {
    return Invalid("campaign.grades", absl::StrCat("pass_min ", g.pass_min(), " and excellent_min ", g.excellent_min(),
                                                   " must satisfy 0 <= pass_min <= excellent_min <= 100"));
  }
  return absl::OkStatus();
}

namespace {

// Unbiased draw in [0, k): values below 2^64 mod k are the incomplete last
// run of residues and are drawn again.
uint64_t Bounded(std::mt19937_64& engine, uint64_t k) {
  const uint64_t threshold = (0 - k) % k;
  for (;;) {
    const uint64_t x = engine();
    if (x >= threshold) return x % k;
  }
}

}  // namespace

absl::StatusOr<SampleDraw> DrawSample(uint64_t seed, int32_t size_per_stratum, int32_t fraction_percent,
                                      std::vector<PopulationCase> population) {
  if ((size_per_stratum > 0) == (fraction_percent > 0) || size_per_stratum < 0 || fraction_percent < 0) {
    return Invalid("size_per_stratum, fraction_percent",
                   "set exactly one: a number of cases per stratum, or a percentage of each stratum");
  }
  if (fraction_percent > 100) return Invalid("fraction_percent", "must be within 1-100");
  std::map<std::pair<std::string, int>, std::vector<std::string>> strata;  // the order of step 1
  for (PopulationCase& c : population) {
    strata[{c.agency_id, static_cast<int>(c.domain)}].push_back(std::move(c.case_id));
  }
  std::mt19937_64 engine(seed);
  SampleDraw out;
  for (auto& [key, ids] : strata) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    const uint64_t m = ids.size();
    for (uint64_t i = 0; i + 1 < m; ++i) std::swap(ids[i], ids[i + Bounded(engine, m - i)]);
    const uint64_t n = size_per_stratum > 0
                           ? std::min<uint64_t>(m, static_cast<uint64_t>(size_per_stratum))
                           : (m * static_cast<uint64_t>(fraction_percent) + 99) / 100;
    v1::SampleStratum* s = &out.strata.emplace_back();
    s->set_agency_id(key.first);
    s->set_domain(static_cast<v1::Domain>(key.second));
    s->set_population(static_cast<int64_t>(m));
    s->set_drawn(static_cast<int64_t>(n));
    for (uint64_t i = 0; i < n; ++i) {
      v1::SampledCase& c = out.cases.emplace_back();
      c.set_case_id(ids[i]);
      c.set_agency_id(key.first);
      c.set_domain(static_cast<v1::Domain>(key.second));
    }
  }
  std::sort(out.cases.begin(), out.cases.end(),
            [](const v1::SampledCase& a, const v1::SampledCase& b) { return a.case_id() < b.case_id(); });
  return out;
}

absl::StatusOr<ReviewScore> ScoreReview(const v1::Campaign& campaign,
                                        const google::protobuf::RepeatedPtrField<v1::Score>& scores,
                                        const google::protobuf::RepeatedPtrField<v1::Finding>& findings) {
  std::map<std::string, const v1::Criterion*> criteria;
  std::vector<std::string> ids;
  for (const v1::Criterion& c : campaign.criteria()) {
    criteria[c.id()] = &c;
    ids.push_back(c.id());
  }
  const std::string known = absl::StrJoin(ids, ", ");
  std::map<std::string, int> scored;  // criterion -> index in scores
  const int64_t scale = ScoreScale(campaign);
  if (scale == 0) return absl::FailedPreconditionError("the campaign's checklist has no usable score scale");
  int64_t num = 0;  // Σ weight × score × 100 × scale / max_score
  for (int i = 0; i < scores.size(); ++i) {
    const v1::Score& s = scores[i];
    const std::string path = absl::StrCat("scores[", i, "]");
    auto c = criteria.find(s.criterion_id());
    if (c == criteria.end()) {
      return Invalid(path + ".criterion_id",
                     absl::StrCat("'", s.criterion_id(), "' is not a criterion of the campaign (", known, ")"));
    }
    auto [prev, fresh] = scored.emplace(s.criterion_id(), i);
    if (!fresh) {
      return Invalid(path + ".criterion_id",
                     absl::StrCat("'", s.criterion_id(), "' is scored twice (also scores[", prev->second, "])"));
    }
    if (s.score() < 0 || s.score() > c->second->max_score()) {
      return Invalid(path + ".score", absl::StrCat(s.score(), " is not within 0-", c->second->max_score(),
                                                   " (the max_score of '", s.criterion_id(), "')"));
    }
    num += int64_t{c->second->weight()} * s.score() * 100 * (scale / c->second->max_score());
  }
  for (const std::string& id : ids) {
    if (scored.count(id) == 0) {
      return Invalid("scores", absl::StrCat("criterion '", id, "' is not scored (score every criterion once: ", known, ")"));
    }
  }
  for (int i = 0; i < findings.size(); ++i) {
    const std::string path = absl::StrCat("findings[", i, "]");
    if (criteria.count(findings[i].criterion_id()) == 0) {
      return Invalid(path + ".criterion_id", absl::StrCat("'", findings[i].criterion_id(),
                                                          "' is not a criterion of the campaign (", known, ")"));
    }
    if (findings[i].description().empty()) return Invalid(path + ".description", "is required (what was found)");
  }
  ReviewScore out;
  out.total_centi = static_cast<int32_t>(RoundDiv(num, scale));
  out.grade = GradeOf(out.total_centi, campaign.grades());
  return out;
}

v1::Grade GradeOf(int32_t total_centi, const v1::GradeThresholds& thresholds) {
  if (total_centi >= thresholds.excellent_min() * 100) return v1::GRADE_EXCELLENT;
  if (total_centi >= thresholds.pass_min() * 100) return v1::GRADE_PASS;
  return v1::GRADE_FAIL;
}

namespace {

// What the summary knows of one sampled case.
struct CaseTally {
  std::string agency;
  std::vector<const v1::Review*> reviews;  // latest, by reviewer
  int64_t total = 0;                       // averaged total, centi
  std::map<std::string, int64_t> by_criterion;
  v1::Grade grade = v1::GRADE_UNSPECIFIED;
};

// Sums of one row before averaging.
struct RowSums {
  int64_t sampled = 0, reviewed = 0, value_sum = 0;
  int64_t excellent = 0, pass = 0, fail = 0, findings = 0;
  int64_t notices = 0, open = 0, overdue = 0, accepted = 0;

  void AddCase(const CaseTally& c, int64_t value) {
    ++sampled;
    if (c.reviews.empty()) return;
    ++reviewed;
    value_sum += value;
    if (c.grade == v1::GRADE_EXCELLENT) ++excellent;
    if (c.grade == v1::GRADE_PASS) ++pass;
    if (c.grade == v1::GRADE_FAIL) ++fail;
  }
  void Write(const std::string& agency, const std::string& criterion, v1::SummaryRow* r) const {
    r->set_agency_id(agency);
    r->set_criterion_id(criterion);
    r->set_cases_sampled(sampled);
    r->set_cases_reviewed(reviewed);
    r->set_average_centi(reviewed == 0 ? 0 : static_cast<int32_t>(RoundDiv(value_sum, reviewed)));
    r->set_excellent(excellent);
    r->set_pass(pass);
    r->set_fail(fail);
    r->set_findings(findings);
    r->set_notices(notices);
    r->set_notices_open(open);
    r->set_notices_overdue(overdue);
    r->set_notices_accepted(accepted);
  }
};

bool NoticeOverdue(const v1::Rectification& r, absl::Time now) {
  return r.state() != v1::STATE_CLOSED && r.has_deadline() && IsOverdue(r.deadline(), now);
}

std::map<std::string, CaseTally> TallyCases(const v1::Campaign& campaign, const v1::Sample& sample,
                                            const std::vector<v1::Review>& latest) {
  std::map<std::string, CaseTally> cases;
  for (const v1::SampledCase& s : sample.cases()) cases[s.case_id()].agency = s.agency_id();
  for (const v1::Review& r : latest) {
    auto it = cases.find(r.case_id());
    if (it != cases.end()) it->second.reviews.push_back(&r);
  }
  for (auto& [id, c] : cases) {
    if (c.reviews.empty()) continue;
    std::sort(c.reviews.begin(), c.reviews.end(),
              [](const v1::Review* a, const v1::Review* b) { return a->reviewer_agency() < b->reviewer_agency(); });
    const int64_t k = static_cast<int64_t>(c.reviews.size());
    int64_t total = 0;
    for (const v1::Review* r : c.reviews) total += r->total_centi();
    c.total = RoundDiv(total, k);
    c.grade = GradeOf(static_cast<int32_t>(c.total), campaign.grades());
    for (const v1::Criterion& crit : campaign.criteria()) {
      int64_t sum = 0;
      for (const v1::Review* r : c.reviews) {
        for (const v1::Score& s : r->scores()) {
          if (s.criterion_id() == crit.id()) sum += RoundDiv(int64_t{s.score()} * 10000, crit.max_score());
        }
      }
      c.by_criterion[crit.id()] = RoundDiv(sum, k);
    }
  }
  return cases;
}

}  // namespace

v1::CampaignSummary TallyCampaign(const v1::Campaign& campaign, const v1::Sample& sample,
                                  const std::vector<v1::Review>& latest_reviews,
                                  const std::vector<v1::Rectification>& rectifications, absl::Time now) {
  const std::map<std::string, CaseTally> cases = TallyCases(campaign, sample, latest_reviews);
  // agency ("" for the district) -> criterion ("" for the whole) -> sums.
  std::map<std::string, std::map<std::string, RowSums>> rows;
  std::vector<std::string> agencies(campaign.agencies().begin(), campaign.agencies().end());
  std::sort(agencies.begin(), agencies.end());
  for (const std::string& a : agencies) rows[a];
  for (const auto& [id, c] : cases) {
    for (const std::string& agency : {c.agency, std::string()}) {
      rows[agency][""].AddCase(c, c.total);
      for (const v1::Criterion& crit : campaign.criteria()) {
        auto v = c.by_criterion.find(crit.id());
        rows[agency][crit.id()].AddCase(c, v == c.by_criterion.end() ? 0 : v->second);
      }
      for (const v1::Review* r : c.reviews) {
        rows[agency][""].findings += r->findings_size();
        for (const v1::Finding& f : r->findings()) ++rows[agency][f.criterion_id()].findings;
      }
    }
  }
  std::vector<v1::Rectification> overdue;
  for (const v1::Rectification& n : rectifications) {
    const bool late = NoticeOverdue(n, now);
    for (const std::string& agency : {n.receiver_agency(), std::string()}) {
      RowSums& s = rows[agency][""];
      ++s.notices;
      if (n.state() == v1::STATE_CLOSED) {
        ++s.accepted;
      } else {
        ++s.open;
      }
      if (late) ++s.overdue;
    }
    if (late) {
      overdue.push_back(n);
      overdue.back().set_overdue(true);
    }
  }

  v1::CampaignSummary out;
  *out.mutable_campaign() = campaign;
  auto write_block = [&](const std::string& agency) {
    std::map<std::string, RowSums>& block = rows[agency];
    block[""].Write(agency, "", out.add_rows());
    for (const v1::Criterion& crit : campaign.criteria()) block[crit.id()].Write(agency, crit.id(), out.add_rows());
  };
  for (const auto& [agency, block] : rows) {
    if (!agency.empty()) write_block(agency);
  }
  write_block("");

  for (const auto& [id, c] : cases) {
    if (c.reviews.size() < 2) continue;
    bool differ = false;
    int32_t lo = c.reviews[0]->total_centi(), hi = lo;
    for (const v1::Review* r : c.reviews) {
      differ |= r->grade() != c.reviews[0]->grade();
      lo = std::min(lo, r->total_centi());
      hi = std::max(hi, r->total_centi());
    }
    if (!differ && hi - lo < kReviewDifferenceCenti) continue;
    v1::ReviewDifference* d = out.add_differences();
    d->set_case_id(id);
    d->set_agency_id(c.agency);
    for (const v1::Review* r : c.reviews) *d->add_reviews() = *r;
  }
  std::sort(overdue.begin(), overdue.end(),
            [](const v1::Rectification& a, const v1::Rectification& b) { return a.id() < b.id(); });
  for (v1::Rectification& r : overdue) *out.add_overdue() = std::move(r);
  *out.mutable_generate_time() = ToProtoTime(now);
  return out;
}

}  // namespace caselink::workflow
