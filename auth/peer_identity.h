// What the verified client certificate says about the caller. Filled by the
// server from the TLS handshake only; request fields and metadata never
// contribute to it.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace caselink::auth {

struct PeerIdentity {
  std::vector<std::string> uri_sans;  // e.g. "caselink://agency/psb"
  std::vector<std::string> dns_sans;
  std::string common_name;
  // SHA-256 of the DER certificate, lowercase hex; recorded with each access.
  std::string fingerprint_sha256;

  // The candidate identity strings in the order they are matched against the
  // policy: URI SANs, then "CN=<common name>".
  std::vector<std::string> Candidates() const;
  // A short description for messages and logs.
  std::string Describe() const;
};

// SHA-256 fingerprint of a PEM certificate, lowercase hex.
absl::StatusOr<std::string> CertificateFingerprint(absl::string_view pem);

}  // namespace caselink::auth
