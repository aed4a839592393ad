// ClientOptions: where a caselink Client connects and with which identity.
// A plain value type; copy it freely. Not synchronized: do not mutate one
// instance from several threads at once.
//
// Example:
//   absl::StatusOr<caselink::ClientOptions> opts =
//       caselink::ClientOptions::FromFiles("caselink.example:7443",
//                                          "ca.pem", "agency.pem",
//                                          "agency.key");
//   if (!opts.ok()) return opts.status();
//   opts->deadline = absl::Seconds(5);
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace caselink {

struct ClientOptions {
  // "host:port" of the caselink server (any gRPC target string works).
  std::string target;
  // PEM of the CA that signed the server certificate. Required: the client
  // never falls back to the system roots.
  std::string ca_pem;
  // The agency's client certificate chain and private key, PEM. Required:
  // the server identifies the calling agency by this certificate.
  std::string cert_pem;
  std::string key_pem;
  // Optional: the TLS name to check the server certificate against instead
  // of the host part of `target` (for tests and for IP-only deployments).
  std::string server_name_override;
  // Deadline applied to every call, retries included. Must be positive.
  absl::Duration deadline = absl::Seconds(10);
  // Total attempts (first try + retries) of an idempotent call that fails
  // with UNAVAILABLE. 1 disables retries; gRPC caps the value at 5.
  int max_attempts = 4;
  // Backoff before the first retry; grows 2x per retry (jittered). Positive.
  absl::Duration initial_backoff = absl::Milliseconds(100);
  // Largest response the client accepts, in bytes. Positive.
  int max_receive_message_bytes = 16 << 20;

  // Returns options for `target` with the three PEM files read into ca_pem,
  // cert_pem and key_pem; every other field keeps its default.
  // Errors: NOT_FOUND / PERMISSION_DENIED / INVALID_ARGUMENT (empty file)
  // naming the file that could not be read and which option it is for.
  static absl::StatusOr<ClientOptions> FromFiles(absl::string_view target,
                                                 absl::string_view ca_file,
                                                 absl::string_view cert_file,
                                                 absl::string_view key_file);

  // OK when the options can be used by Client::Connect; otherwise
  // INVALID_ARGUMENT naming the first offending option. The PEMs are parsed:
  // ca_pem must hold a certificate, cert_pem a certificate and key_pem its
  // (unencrypted) private key — a key of another agency is named here, not
  // left to fail every call later.
  absl::Status Validate() const;
};

}  // namespace caselink
