// Lowercase hex SHA-256 of bytes (OpenSSL EVP), for tests that check what a
// document or a file hashes to.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace caselink::testing {

std::string Sha256Hex(absl::string_view bytes);

}  // namespace caselink::testing
