// The expiry times of the certificates caselinkd depends on: its own server
// certificate (chain) and every CA of the client CA bundle. Read from the
// files each time (they are rotated in place without a restart), exported
// as caselink_certificate_expiry_timestamp_seconds and logged as warnings
// when close to expiry. Thread-safe (no state).
#pragma once

#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "caselink/v1/config.pb.h"

namespace caselink::server {

struct CertExpiry {
  std::string kind;     // "server" or "client_ca"
  std::string file;
  std::string subject;  // one-line RFC 2253 subject, e.g. "CN=caselink district CA"
  std::string serial;   // hex
  absl::Time not_after;
};

// Every certificate of tls.cert_file and tls.client_ca_file. Unreadable
// files give no entries (--check-config reports them).
std::vector<CertExpiry> ReadCertExpiries(const v1::TlsConfig& tls);

// Logs a warning per certificate expiring before now + `warn_within`
// (an error if already expired); returns how many were logged.
int WarnAboutExpiringCerts(const std::vector<CertExpiry>& certs, absl::Time now,
                           absl::Duration warn_within);

// Runs WarnAboutExpiringCerts at construction and then every `every` on a
// thread of its own, until destroyed (certificates are rotated in place, so
// each check re-reads the files).
class CertExpiryWatch {
 public:
  CertExpiryWatch(v1::TlsConfig tls, absl::Duration warn_within, absl::Duration every = absl::Hours(1));
  ~CertExpiryWatch();

 private:
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace caselink::server
