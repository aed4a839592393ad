#include "auth/policy_holder.h"

#include "auth/policy_loader.h"
#include "caselink_common/status_macros.h"

namespace caselink::auth {

absl::StatusOr<std::unique_ptr<PolicyHolder>> PolicyHolder::Load(const std::string& path) {
  std::unique_ptr<PolicyHolder> h(new PolicyHolder(path));
  CASELINK_RETURN_IF_ERROR(h->Reload());
  return h;
}

std::shared_ptr<const Authorizer> PolicyHolder::Current() const {
  absl::MutexLock lock(&mu_);
  return current_;
}

absl::Status PolicyHolder::Reload() {
  CASELINK_ASSIGN_OR_RETURN(v1::Policy policy, LoadPolicyFile(path_));
  CASELINK_ASSIGN_OR_RETURN(std::shared_ptr<const Authorizer> next,
                            Authorizer::Create(std::move(policy)));
  absl::MutexLock lock(&mu_);
  current_ = std::move(next);
  return absl::OkStatus();
}

}  // namespace caselink::auth
