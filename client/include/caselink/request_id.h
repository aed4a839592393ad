// Idempotency keys (the `request_id` of every mutating call): a random one
// per new request, or one derived from what is sent, so that sending the
// same thing again is answered with the first result instead of being stored
// twice. The Client fills an empty request_id with NewRequestId() itself.
// Not to be confused with the server's request id of a call (a log
// reference, caselink/status_details.h). Stateless functions; thread-safe.
//
// Example:
//   // Re-running an import of the same file must not store twice:
//   request.set_request_id(caselink::DeriveRequestId(file_bytes, 0));
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace caselink {

// A random RFC 4122 version-4 UUID in lowercase canonical form, e.g.
// "3b241101-e2bb-4255-8caf-4136c566a962" (valid as a request_id).
std::string NewRequestId();

// Lowercase hex SHA-256 (64 characters) of `content`, a NUL byte and the
// decimal `expected_version`. Same content + same version => same id, so the
// server answers a re-run with the first result (replayed) instead of
// storing again; any change to either gives a new id. (`caselink submit`
// derives its default request_id from the file this way.)
std::string DeriveRequestId(absl::string_view content, int64_t expected_version);

// Lowercase hex of the server's "same request" digest of `request`, typed:
// SHA-256 of its full type name, a NUL byte and its deterministic
// serialization with request_id cleared, so two RPCs whose requests happen to
// serialize alike never share an id. A request sent again with this id is
// answered as a replay, and the same id with any other content is refused as
// ALREADY_EXISTS.
std::string DeriveRequestId(const google::protobuf::Message& request);

}  // namespace caselink
