// One UTF-8 decoder for every layer that reads text code point by code point
// (the access log's field cleaner, the redaction's text folding): strict, so
// overlong forms, surrogates and values above U+10FFFF count as invalid bytes
// everywhere alike.
#pragma once

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace caselink {

// Length of the valid UTF-8 sequence at s[i] (i < s.size()), with its code
// point in `*cp`; 0 if the bytes there are not one.
size_t Utf8SequenceLength(absl::string_view s, size_t i, uint32_t* cp);

}  // namespace caselink
