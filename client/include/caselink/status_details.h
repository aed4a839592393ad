// What an absl::Status from the Client carries besides its code and message:
// the server's request id of the call, the id the server wrote in its log
// line for that call (docs/integration.md). Quote it when you report a
// failed call to the operator. Stateless functions; thread-safe.
//
// Example:
//   absl::StatusOr<caselink::v1::Case> c = client->GetCase(req);
//   if (!c.ok()) {
//     std::optional<std::string> id = caselink::RequestIdOf(c.status());
//     LOG(ERROR) << c.status() << " (request id " << id.value_or("-") << ")";
//   }
#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace caselink {

// Type URL of the payload holding the request id (the bare id, as text) in
// an absl::Status the Client returns; see absl::Status::GetPayload.
inline constexpr char kRequestIdPayloadUrl[] = "type.caselink/caselink.RequestId";

// The server's request id of the call that failed with `status` (16 hex
// characters, the `caselink-request-id` trailer). nullopt when the status did
// not come from a caselink server: OK, a local error (bad options, a server
// that could not be reached), or an event stream (which has no request id).
std::optional<std::string> RequestIdOf(const absl::Status& status);

// Returns `status` with `request_id` attached as the kRequestIdPayloadUrl
// payload (unchanged if OK or `request_id` is empty). For the client library
// itself and for test doubles of it.
absl::Status WithRequestId(absl::Status status, absl::string_view request_id);

}  // namespace caselink
