// The bridge from a call to the workflow library: the caller as a
// workflow::Actor, and the call's policy as the directory of the district's
// agencies. Thread-safe (both read the call's immutable policy snapshot).
#pragma once

#include <string>
#include <vector>

#include "server/core/call_guard.h"
#include "workflow/actor.h"

namespace caselink::server {

workflow::Actor ActorOf(const CallScope& scope);

class PolicyDirectory : public workflow::AgencyDirectory {
 public:
  // `scope` must outlive the directory.
  explicit PolicyDirectory(const CallScope& scope) : scope_(scope) {}
  std::vector<v1::Role> RolesOf(const std::string& agency) const override;
  std::vector<std::string> AgenciesWith(v1::Role role) const override;

 private:
  const CallScope& scope_;
};

}  // namespace caselink::server
