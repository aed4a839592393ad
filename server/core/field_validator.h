// The generic input check of every request: one walk of the request message
// by protobuf reflection that applies the input rules declared as field
// options in proto/caselink/v1/annotations.proto, so a rule is data on the
// field and no RPC can forget it. ServeUnary (unary calls, before the handler) and the Watch
// stream call it before their handler.
//
// What it promises, for every field of every caselink.v1 message reachable
// from the request (nested messages, repeated fields, map keys and values):
//   - strings are valid UTF-8 (no overlong forms, surrogates or values past
//     U+10FFFF) without control characters (U+0000–U+001F, U+007F,
//     U+0080–U+009F); line feed, carriage return, tab, U+2028 and U+2029
//     only in fields with (allow_line_breaks);
//   - strings are at most (max_length) bytes, else kDefaultMaxLength;
//   - repeated fields hold at most (max_count) elements, else
//     kDefaultMaxCount;
//   - integers lie within [(min_int), (max_int)]; a signed integer without
//     (min_int) must not be negative;
//   - enums hold a value the .proto declares (proto3 keeps unknown numbers);
//   - google.protobuf.Timestamp values are normalized and within years
//     1–9999, so converting them can never overflow.
// Each violation is INVALID_ARGUMENT "<field path>: <what> (rule: <rule>)",
// e.g. "case.parties[0].person.name: contains the control character U+0000
// at byte 6 (rule: no control characters)". The first violation is returned.
// Rules that relate several fields (or need the server's configuration)
// stay hand-written in request_validator.h. Thread-safe (stateless).
//
// Example:
//   CASELINK_RETURN_IF_ERROR(ValidateRequestFields(request));
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace caselink::server {

// The bound of a string field that declares no (max_length): enough for any
// name, id or short reference (about 85 汉字), small enough that a field
// nobody thought about cannot carry a document.
inline constexpr size_t kDefaultMaxLength = 256;

// The bound of a repeated field that declares no (max_count): far above any
// list a request needs (a ledger page, a meeting's cases), far below what
// the message size would let through.
inline constexpr size_t kDefaultMaxCount = 1000;

// Applies every declared input rule to `request` (see the file comment).
absl::Status ValidateRequestFields(const google::protobuf::Message& request);

// Every violation of the same rules in `message`, each as the message
// ValidateRequestFields would give for it, in field order; empty if none.
// For files an operator edits (the server configuration), where all the
// problems at once save a round of edit-and-retry.
std::vector<std::string> AllFieldViolations(const google::protobuf::Message& message);

// The UTF-8 and control-character rule for one string, as applied to each
// string field; `field` names it in the error.
absl::Status ValidateTextField(absl::string_view field, absl::string_view value,
                               bool allow_line_breaks);

}  // namespace caselink::server
