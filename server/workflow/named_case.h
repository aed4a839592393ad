// The one check of a case that a workflow request names (the case a transfer
// is about, the cases of a supervision record, the penalty case an action
// links, a meeting's and a decision item's cases): it must be a valid id of an
// existing case the caller knows — its own, one it may read (GetCase), or one
// its joint-meeting report counts — and, where the request must name the
// caller's own case, owned by the caller. Any other case answers NOT_FOUND
// exactly like a missing one, so neither a refusal nor an acceptance tells
// that a case id the caller cannot see exists, and a request never links a
// case it cannot see to anyone. Thread-safe.
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
