// Revocation of client certificates, checked by caselink itself rather than
// left to gRPC (whose crl_directory accepts every certificate of a CA that has
// no CRL, and refuses every client the moment a CRL passes nextUpdate).
//
// A RevocationSnapshot is read from tls.client_ca_file and tls.crl_dir: for
// each CA of the bundle, the newest CRL of the directory that the CA issued
// (issuer name equal AND signature verified with the CA's key; any file name,
// dot-files skipped). It promises, for a certificate of that CA:
//   - no CRL for the CA                        -> refused (kCrlMissing)
//   - CRL past nextUpdate by more than grace   -> refused (kCrlStale)
//   - serial listed by the CRL (also a stale one within grace) -> kRevoked
//   - otherwise accepted; a CRL past nextUpdate within the grace is reported
//     by State() so the server can warn.
// The chain is followed through the bundle: a CA issued by another CA of the
// bundle is itself checked against its issuer's CRL. Immutable after Load;
// share it freely across threads. OpenSSL only, nothing of gRPC.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace caselink::auth {

// What revocation needs of a certificate: who issued it and its serial.
struct CertRef {
  std::string issuer_der;  // DER of the issuer name
  std::string subject_der;
  std::string serial_hex;  // uppercase, as BN_bn2hex writes it
};
absl::StatusOr<CertRef> CertRefFromPem(absl::string_view pem);

enum class CrlState { kCurrent, kStaleInGrace, kStaleBeyondGrace, kMissing };

struct CaRevocation {
  std::string subject;      // RFC 2253, e.g. "CN=caselink district CA"
  CertRef ca;               // the CA certificate itself
  std::string crl_file;     // empty: no CRL of this CA in the directory
  int unverified_crls = 0;  // files naming the CA as issuer whose signature fails
  absl::Time last_update = absl::InfinitePast();
  absl::Time next_update = absl::InfiniteFuture();  // a CRL without one never goes stale
  absl::flat_hash_set<std::string> revoked;         // serials, uppercase hex
};

struct RevocationVerdict {
  enum Kind { kOk, kRevoked, kCrlMissing, kCrlStale, kUnknownIssuer };
  Kind kind = kOk;
  std::string message;  // empty when kOk; else says why, naming CA and CRL
  bool ok() const { return kind == kOk; }
};

class RevocationSnapshot {
 public:
  // NotFound/InvalidArgument if the bundle cannot be read or holds no
  // certificate; a missing or unreadable crl_dir gives every CA kMissing.
  static absl::StatusOr<std::shared_ptr<const RevocationSnapshot>> Load(const std::string& ca_file,
                                                                       const std::string& crl_dir);

  const std::vector<CaRevocation>& cas() const { return cas_; }
  const std::string& crl_dir() const { return crl_dir_; }
  // Files of crl_dir skipped, each "path: why" (unreadable, not a CRL): a
  // CRL an operator installed that does not count must not go unnoticed.
  const std::vector<std::string>& skipped() const { return skipped_; }

  static CrlState State(const CaRevocation& ca, absl::Time now, absl::Duration grace);

  // The verdict for a certificate that passed TLS chain verification.
  RevocationVerdict Check(const CertRef& cert, absl::Time now, absl::Duration grace) const;

  // One line per CA whose clients would be refused now (missing CRL, or stale
  // beyond the grace), naming the CA by subject; empty if none.
  std::vector<std::string> Problems(absl::Time now, absl::Duration grace) const;

 private:
  RevocationSnapshot() = default;
  const CaRevocation* Find(const std::string& subject_der) const;

  std::string ca_file_;
  std::string crl_dir_;
  std::vector<CaRevocation> cas_;
  std::vector<std::string> skipped_;
};

}  // namespace caselink::auth
