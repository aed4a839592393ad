// RequestDigest: what makes two requests "the same request" for
// idempotency — SHA-256 of the request serialized deterministically with its
// `request_id` field cleared. Works for any request message. The one
// definition: the server's idempotency check and the CLI's derived request
// ids both use it. Thread-safe.
#pragma once

#include <string>

#include "google/protobuf/message.h"

namespace caselink {

// 32 raw bytes.
std::string RequestDigest(const google::protobuf::Message& request);

}  // namespace caselink
