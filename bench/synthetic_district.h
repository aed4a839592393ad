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

 private:
  uint64_t PickPerson();
  uint64_t PickCompany();
  uint64_t Pick(uint64_t population);

  PartyPopulation pop_;
  std::mt19937_64 rng_;
};

}  // namespace caselink::bench
