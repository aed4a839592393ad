// The one check of a case that a workflow request names (the case a transfer
// is about, the cases of a supervision record, the penalty case an action
// links, a meeting's and a decision item's cases): it must be a valid id of an
// existing case the caller knows — its own, one it may read (GetCase), or one
// its joint-meeting report counts — and, where the request must name the
// caller's own case, owned by the caller, or, where it links the case to an
// item's parties, selected by the caller's rules for the calling RPC. Any
// other case answers NOT_FOUND
// exactly like a missing one, so neither a refusal nor an acceptance tells
// that a case id the caller cannot see exists, and a request never links a
// case it cannot see to anyone. Thread-safe.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "server/core/service_context.h"

namespace caselink::server {

// What a request may name beyond a case the caller knows.
enum class NamedCaseRule {
  kKnown,     // any case it knows (a meeting's cases)
  kSelected,  // one its rules for the calling RPC select: the request links the case to the
              // parties of an item, which can widen what they read (a reverse transfer's case)
  kOwn,       // its own (a forward transfer's case, the penalty case an action links)
};

// `field` names the request field in messages. A known case the rule
// refuses is PERMISSION_DENIED naming the rule (for kOwn, ending with
// `own_case_hint`).
absl::Status CheckNamedCase(const ServiceContext& sc, const CallScope& scope, absl::string_view field,
                            const std::string& case_id, NamedCaseRule rule, absl::string_view own_case_hint);

}  // namespace caselink::server
