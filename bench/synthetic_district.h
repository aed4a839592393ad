// SyntheticDistrict generates a district's penalty ledgers for the scale
// benchmark: cases of the enforcement agencies and the police, each naming
// one or two parties drawn from a fixed population in which a few repeat
// offenders (persons and companies) have many cases, as real ledgers do.
// Every 身份证号 and 统一社会信用代码 carries a correct check character
// (GB 11643, GB 32100), so the server's validation accepts them all.
// Deterministic for a seed; not thread-safe (one generator per thread).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "caselink/v1/case.pb.h"

namespace caselink::bench {

// The i-th person's 身份证号 / the i-th company's 统一社会信用代码: the same
// for every generator, so a search can name a party of any generated case.
std::string ResidentIdOf(uint64_t person);
std::string CreditCodeOf(uint64_t company);

struct PartyPopulation {
  uint64_t persons = 0;
  uint64_t companies = 0;
  // Share of cases whose party comes from the first `repeat_fraction` of
  // each population (the repeat offenders).
  double repeat_share = 0.3;
  double repeat_fraction = 0.05;

  // A population sized for a district of `cases` cases.
  static PartyPopulation ForCases(uint64_t cases);
};

// Established facts for screening (Case.measured_facts, read by the rules
// shipped in config/screening-rules.textproto). The shares are of the cases
// in a domain a shipped rule reads (MARKET_ORDER, WORK_SAFETY,
// LABOUR_PROTECTION): such a case gets facts that meet one rule's threshold
// (and a legal basis naming its law) with probability `meeting`, facts below
// every threshold (same law) with probability `below`, else none. PUBLIC_ORDER
// cases never get facts. Both 0 (the default): no facts, and the generator
// draws exactly what it drew before facts existed.
struct ScreeningFactsMix {
  double meeting = 0;
  double below = 0;
};

// What NextCase gave a case under a ScreeningFactsMix.
enum class FactsKind { kNone, kMeeting, kBelow };

class SyntheticDistrict {
 public:
  SyntheticDistrict(PartyPopulation population, uint64_t seed)
      : pop_(population), rng_(seed) {}

  // The agencies whose ledgers are generated, and the domain of each.
  static const std::vector<std::pair<std::string, v1::Domain>>& Agencies();

  // A new case of `agency` in `domain` (content only: no id or version).
  v1::Case NextCase(v1::Domain domain, uint64_t serial);

  // A party id of the population to search for, skewed like the cases.
  std::string NextPartyId();

  // Screening facts for the cases generated from now on.
  void set_screening_facts(ScreeningFactsMix mix) { facts_ = mix; }
  // What the last NextCase gave its case.
  FactsKind last_facts() const { return last_facts_; }

 private:
  void AddFacts(v1::Case* c);

  uint64_t PickPerson();
  uint64_t PickCompany();
  uint64_t Pick(uint64_t population);

  PartyPopulation pop_;
  std::mt19937_64 rng_;
  ScreeningFactsMix facts_;
  FactsKind last_facts_ = FactsKind::kNone;
};

}  // namespace caselink::bench
