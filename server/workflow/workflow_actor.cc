#include "server/workflow/workflow_actor.h"

#include <algorithm>

namespace caselink::server {

workflow::Actor ActorOf(const CallScope& scope) {
  return workflow::Actor{scope.principal.agency_id, scope.principal.roles};
}

std::vector<v1::Role> PolicyDirectory::RolesOf(const std::string& agency) const {
  std::vector<v1::Role> out;
  for (const v1::Agency& a : scope_.authz->policy().agencies()) {
    if (a.id() != agency) continue;
    for (int r : a.roles()) out.push_back(static_cast<v1::Role>(r));
  }
  return out;
}

std::vector<std::string> PolicyDirectory::AgenciesWith(v1::Role role) const {
  std::vector<std::string> out;
  for (const v1::Agency& a : scope_.authz->policy().agencies()) {
    if (std::find(a.roles().begin(), a.roles().end(), role) != a.roles().end()) out.push_back(a.id());
  }
  return out;
}

}  // namespace caselink::server
