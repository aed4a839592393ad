// A throwaway certificate authority for tests, built with OpenSSL 3's C API.
// Everything is generated in memory per run (EC P-256, fresh random serials),
// so tests never depend on checked-in certificates that expire or leak.
#ifndef CASELINK_TESTS_SUPPORT_TEST_PKI_H_
#define CASELINK_TESTS_SUPPORT_TEST_PKI_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace caselink::testing {

struct KeyCert {
  std::string key_pem;     // PKCS#8 "PRIVATE KEY", unencrypted
  std::string cert_pem;
  std::string serial_hex;  // lowercase, no "0x", even length; CrlPem() accepts it
};

struct CertSpec {
  std::string common_name;
  std::vector<std::string> dns_sans;  // e.g. "localhost"
  std::vector<std::string> ip_sans;   // e.g. "127.0.0.1" or "::1"
  std::vector<std::string> uri_sans;  // e.g. "caselink://agency/psb"
  bool server = false;                // serverAuth EKU if true, else clientAuth
  // Both relative to now, so a negative offset plus a short lifetime yields a
  // certificate that is already expired.
  absl::Duration not_before_offset = -absl::Hours(1);
  absl::Duration lifetime = absl::Hours(24);
};

// Cheap to copy: copies share the same CA key and certificate (and the CRL
// number counter), so a copy issues certificates that chain to the original.
class TestCa {
 public:
  // Self-signed CA: CA:TRUE, keyCertSign+cRLSign, SKI/AKI, valid now-1h..+10d.
  static absl::StatusOr<TestCa> Create(const std::string& common_name);

  const std::string& cert_pem() const;
  const std::string& key_pem() const;

  // Leaf signed by this CA: CA:FALSE, digitalSignature, SAN, EKU, SKI, AKI.
  absl::StatusOr<KeyCert> Issue(const CertSpec& spec);
  // CN=localhost, DNS:localhost, IP:127.0.0.1, serverAuth.
  absl::StatusOr<KeyCert> IssueServer();
  // CN=<agency_id>, URI:caselink://agency/<agency_id>, clientAuth.
  absl::StatusOr<KeyCert> IssueAgency(const std::string& agency_id);

  // CRL v2 signed by this CA, lastUpdate now-1h, nextUpdate now+1d, with a CRL
  // number (increasing per call) and AKI. Serials are hex as in KeyCert.
  absl::StatusOr<std::string> CrlPem(
      const std::vector<std::string>& revoked_serials_hex) const;

  // The same with lastUpdate and nextUpdate at these offsets from now (a
  // negative next_update_offset makes a stale CRL).
  absl::StatusOr<std::string> CrlPemAt(const std::vector<std::string>& revoked_serials_hex,
                                       absl::Duration last_update_offset,
                                       absl::Duration next_update_offset) const;

  // X509_NAME_hash_ex of the CA subject as 8 lowercase hex digits: the name
  // OpenSSL's hashed-directory lookup (and `openssl rehash`) expects.
  std::string SubjectHashName() const;

  // Writes the CRL to <dir>/<SubjectHashName()>.r<suffix>, atomically.
  absl::Status WriteCrlToDir(const std::string& dir,
                             const std::vector<std::string>& revoked,
                             int suffix = 0) const;

 private:
  struct State;
  explicit TestCa(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace caselink::testing

#endif  // CASELINK_TESTS_SUPPORT_TEST_PKI_H_
