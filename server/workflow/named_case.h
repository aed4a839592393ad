// The one check of a case that a workflow request names (the case a transfer
// is about, the cases of a supervision record, the penalty case an action
// links): it must be a valid id of an existing case, and, where the request
// must name the caller's own case, owned by the caller. A case the caller may
// not read answers NOT_FOUND exactly like a missing one, so a refusal never
// tells that another agency's case id exists. Thread-safe.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "server/core/service_context.h"

namespace caselink::server {

// `field` names the request field in messages. With `must_own`, a visible
// case of another agency is PERMISSION_DENIED ending with `own_case_hint`.
absl::Status CheckNamedCase(const ServiceContext& sc, const CallScope& scope, absl::string_view field,
                            const std::string& case_id, bool must_own, absl::string_view own_case_hint);

}  // namespace caselink::server
