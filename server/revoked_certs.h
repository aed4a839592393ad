// RevokedCerts: which client certificates the CRLs in tls.crl_dir revoke, as
// seen by the enforcement path. gRPC checks CRLs only at the TLS handshake,
// so a connection opened before a revocation keeps working; CallGuard::Admit
// asks this class on every call and every open stream re-asks at least
// every poll interval, so a revoked certificate is refused (UNAUTHENTICATED)
// on connections that are already open too, within about a second of the
// CRL being installed (`caselink admin revoke`).
// A CRL counts only if a CA of tls.client_ca_file with its issuer's name
// verifies its signature; a certificate is revoked if any such CRL lists its
// serial for its issuer (the union of the installed CRLs: stricter than
// OpenSSL, which reads the newest per CA, so it never accepts what the
// handshake refuses). The directory is re-read at most once per
// `rescan_every` (files are re-parsed only when their name, size or mtime
// changes). Thread-safe.
#pragma once

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace caselink::server {

namespace deny_rule {
inline constexpr char kCertificateRevoked[] = "certificate_revoked";
}  // namespace deny_rule

class RevokedCerts {
 public:
  // An empty `crl_dir` revokes nothing.
  RevokedCerts(std::string crl_dir, std::string client_ca_file,
               absl::Duration rescan_every = absl::Milliseconds(200))
      : crl_dir_(std::move(crl_dir)), ca_file_(std::move(client_ca_file)), rescan_every_(rescan_every) {}

  // Whether an installed CRL revokes the certificate (PEM, as gRPC's
  // x509_pem_cert property gives it). An unparsable PEM is not revoked (the
  // handshake verified it).
  bool IsRevoked(const std::string& cert_pem) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void RescanLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string crl_dir_;
  const std::string ca_file_;
  const absl::Duration rescan_every_;
  absl::Mutex mu_;
  absl::Time scanned_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  // What the directory held at the last parse: name, size, mtime of each file.
  std::string fingerprint_ ABSL_GUARDED_BY(mu_);
  // issuer name (DER) + '\0' + serial (hex) of every revoked certificate.
  absl::flat_hash_set<std::string> revoked_ ABSL_GUARDED_BY(mu_);
  // cert PEM -> its issuer+serial key (bounded: cleared when full).
  absl::flat_hash_map<std::string, std::string> keys_ ABSL_GUARDED_BY(mu_);
};

}  // namespace caselink::server
