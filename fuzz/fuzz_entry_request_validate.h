// Entry function of the fuzz_request_validate target (see fuzz_entry_common.h).
// Input: byte 0 chooses what is checked, the rest is the payload.
//   byte0 < 0x80: the request type of every RPC of every caselink service,
//     number byte0 % count (in service and method order); the payload is
//     that message serialized, or in text format if it starts with '#'.
//   byte0 >= 0x80: the payload, as raw bytes, is put into string fields of
//     valid requests (a party name, the facts, a transfer subject, a search
//     name), so invalid UTF-8 and control characters reach the validator.
// Each message goes through server::ValidateRequestFields. Invariants: an
// error is INVALID_ARGUMENT "<path>: … (rule: …)"; the answer is the same
// twice; an accepted message survives a serialize/parse round trip (so
// protobuf agrees its strings are valid UTF-8), has no string longer than
// 65536 bytes and no byte below 0x20 but \t \n \r, and no 0x7F.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace caselink::fuzz {

// "" if every invariant held, else what was violated.
std::string RequestValidateEntry(const uint8_t* data, size_t size);

}  // namespace caselink::fuzz
