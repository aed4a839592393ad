// Reading and checking caselinkd's configuration (text-format
// caselink.v1.ServerConfig). Relative paths are resolved against the
// configuration file's directory. Every problem is reported with the file it
// concerns, so `caselinkd --check-config` and a refused start say the same.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "caselink/v1/config.pb.h"
#include "caselink/v1/policy.pb.h"

namespace caselink::server {

// Parses `path`, applies defaults and resolves paths. InvalidArgument with
// "FILE:LINE:COL: reason" lines on a syntax error or a missing setting.
absl::StatusOr<v1::ServerConfig> LoadServerConfig(const std::string& path);

// The access log's keys, read from the files the configuration names.
struct AuditKeys {
  std::string hmac_key;         // audit.hmac_key_file (32+ bytes)
  std::string signing_key_pem;  // audit.signing_key_file (default: tls.key_file)
  // The secret page tokens are sealed under (page_token.h): the content of
  // audit.page_token_key_file (32+ bytes), or else the HMAC key.
  std::string page_token_secret;
};
absl::StatusOr<AuditKeys> LoadAuditKeys(const v1::ServerConfig& config);

// Checks that what the configuration names is usable: certificate and key
// files parse and match, the CA bundle parses, the CRL directory exists and
// holds a CRL of every client CA that is not stale beyond the grace (each
// problem names the CA by subject), the policy loads, the audit HMAC key
// (32+ bytes), page-token key (32+ bytes,
// if named) and signing key are usable, admin.backup_dir (if set) is a
// writable directory.
// Lists every problem found, one per line. A policy that grants nothing is
// warned about (WarnIfPolicyGrantsNothing), not refused.
absl::Status CheckServerConfig(const v1::ServerConfig& config);

// A policy without agencies or rules is valid (deny by default: every call
// refused) but almost surely a mistake, an empty or truncated file: the
// operator's log says so, at start, on reload and in --check-config.
void WarnIfPolicyGrantsNothing(const std::string& path, const v1::Policy& policy);

// tls.crl_grace_hours as a duration (negative: none).
absl::Duration CrlGrace(const v1::TlsConfig& tls);

}  // namespace caselink::server
