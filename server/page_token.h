// Opaque page tokens for listings: base64url of a PageToken naming where the
// next page starts and a digest of (caller, query), so a token is refused if
// replayed with another query or by another agency. Tokens hold positions, not
// snapshots: they stay valid while new cases arrive.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace caselink::server {

// `query` is any canonical description of the caller and the filters.
std::string EncodePageToken(absl::string_view after, absl::string_view query);

// The position to resume after; empty for an empty token. InvalidArgument
// naming page_token if it is malformed or was issued for another query.
absl::StatusOr<std::string> DecodePageToken(absl::string_view token, absl::string_view query);

}  // namespace caselink::server
