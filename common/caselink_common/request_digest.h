// RequestDigest: what makes two requests "the same request" for
// idempotency — SHA-256 of the request serialized deterministically with its
// `request_id` field cleared (TypedRequestDigest: with its type name too).
// Works for any request message. The one definition: the server's
// idempotency checks and the CLI's derived request ids (typed) use these.
// Thread-safe.
#pragma once

#include <string>

#include "google/protobuf/message.h"

namespace caselink {

// 32 raw bytes. Blind to the message's type: two types that serialize alike
// (a reverse CreateTransfer and an OPINION CreateSupervision) get the same
// digest. Right only where one idempotency namespace holds one request type;
// stays as it is because stored request records hold it (changing it would
// turn a retry across an upgrade into ALREADY_EXISTS).
std::string RequestDigest(const google::protobuf::Message& request);

// 32 raw bytes: SHA-256 of the message's full type name, a NUL byte and the
// same deterministic serialization (request_id cleared). Requests of
// different types never share it. For namespaces that hold several request
// types (workflow items), and for the CLI's derived request ids.
std::string TypedRequestDigest(const google::protobuf::Message& request);

}  // namespace caselink
