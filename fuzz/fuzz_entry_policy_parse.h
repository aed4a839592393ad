// Entry function of the fuzz_policy_parse target (see fuzz_entry_common.h).
// auth::ParsePolicy(text, "fuzz") must never crash; on success the policy is
// compiled (Authorizer::Create) and Authenticate, AuthorizeRpc, PlanRead,
// PlanWrite and the mask rules are exercised. Invariant: a MASK rendering
// never returns a value unchanged.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace caselink::fuzz {

// "" if every invariant held, else what was violated.
std::string PolicyParseEntry(const uint8_t* data, size_t size);

}  // namespace caselink::fuzz
