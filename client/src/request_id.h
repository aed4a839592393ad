// NewRequestId: random idempotency keys for SubmitCase. Thread-safe.
//
// Example:
//   request.set_request_id(caselink::client_internal::NewRequestId());
#pragma once

#include <string>

namespace caselink::client_internal {

// A random RFC 4122 version-4 UUID in lowercase canonical form, e.g.
// "3b241101-e2bb-4255-8caf-4136c566a962" (valid as a request_id).
std::string NewRequestId();

}  // namespace caselink::client_internal
