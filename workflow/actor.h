// Who acts on a workflow item: an agency and the roles the district's policy
// gives it. The workflow library knows nothing of certificates or transports;
// the server builds an Actor from the verified caller, tests build one by hand.
#pragma once

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "caselink/v1/policy.pb.h"

namespace caselink::workflow {

struct Actor {
  std::string agency_id;
  std::vector<v1::Role> roles;

  bool Has(v1::Role role) const { return std::find(roles.begin(), roles.end(), role) != roles.end(); }
};

// The agencies of the district and their roles (the policy's agency list), for
// rules that ask about an agency other than the actor.
class AgencyDirectory {
 public:
  virtual ~AgencyDirectory() = default;
  // The roles of `agency`; empty if the district has no such agency.
  virtual std::vector<v1::Role> RolesOf(const std::string& agency) const = 0;
  // Every agency holding `role`, in the policy's order.
  virtual std::vector<std::string> AgenciesWith(v1::Role role) const = 0;
};

}  // namespace caselink::workflow
