// Checks the TLS material of ClientOptions before a channel is made: gRPC
// would take a key that is not the certificate's (or is no key at all) and
// fail every call later with "empty address list", naming nothing. These say
// which option is wrong. OpenSSL parses; nothing is kept.
#pragma once

#include <string>

#include "absl/status/status.h"

namespace caselink::client_internal {

// ca_pem holds at least one certificate; cert_pem a certificate; key_pem an
// unencrypted private key that is cert_pem's. INVALID_ARGUMENT naming the
// ClientOptions field otherwise.
absl::Status CheckTlsMaterial(const std::string& ca_pem, const std::string& cert_pem, const std::string& key_pem);

}  // namespace caselink::client_internal
