// Installing a new CRL into the server's CRL directory the way gRPC 1.51
// picks it up without a restart: under the issuer's OpenSSL hash name and the
// NEXT free suffix (<hash>.r0, .r1, ...), written whole then renamed. A CRL
// replaced in place under an existing name is NOT noticed by a running
// server (docs/operations.md). Checks before installing: the CRL parses, is
// signed by a CA of the client CA bundle (if given), is strictly newer
// (lastUpdate) than every CRL already installed for that CA, and revokes the given
// certificates (if given). Single-threaded, like caselink-admin.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace caselink::admin_tool {

struct CrlInstallRequest {
  std::string crl_file;         // PEM or DER, as the CA tool wrote it
  std::string crl_dir;          // tls.crl_dir of the server
  std::string client_ca_file;   // tls.client_ca_file; empty skips the signature check
  std::vector<std::string> must_revoke_cert_files;  // agency certificates (PEM)
};

struct CrlInstallResult {
  std::string installed_path;             // <crl_dir>/<hash>.r<N>
  std::string issuer;                     // RFC 2253
  std::vector<std::string> revoked_serials;  // hex, as in the CRL
};

absl::StatusOr<CrlInstallResult> InstallCrl(const CrlInstallRequest& request);

}  // namespace caselink::admin_tool
