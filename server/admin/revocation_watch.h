// The server's live view of client-certificate revocation (auth/revocation.h):
// re-reads tls.client_ca_file and tls.crl_dir every tls.refresh_interval_seconds
// (at most 500 ms apart, so open streams of a revoked certificate end soon)
// (CRLs are installed in place by `caselink admin revoke`), logs each change
// of a CA's CRL state (stale: warning; refused: error), and answers
//   - Check(): for every call, in the call guard's identity step: OK, or
//     UNAUTHENTICATED naming the revoked serial, the missing or the stale CRL;
//   - HandshakeVerifier(): refuses certificates a CRL revokes at the TLS
//     handshake already (the connection never opens; a CRL directory that
//     changed is re-read first, so the next handshake sees a new CRL); missing or stale
//     CRLs are left to Check(), whose refusal carries a message and is logged;
//     each refusal goes to the OnHandshakeRefused listener (the server puts it
//     on the access log);
//   - gauges caselink_crl_next_update_timestamp_seconds, caselink_crl_stale
//     (1 past nextUpdate or missing) and caselink_crl_refusing (1 when that
//     CA's clients are refused), labelled by CA subject.
// If a re-read fails (bundle unreadable mid-rotation) the previous view stays.
// Thread-safe.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "auth/revocation.h"
#include "caselink/v1/config.pb.h"
#include "grpcpp/security/tls_certificate_verifier.h"
#include "server/core/metrics_registry.h"

namespace caselink::server {

class RevocationWatch : public std::enable_shared_from_this<RevocationWatch> {
 public:
  // Reads the files once (InvalidArgument/NotFound if the bundle cannot be
  // read), then refreshes on a thread of its own until destroyed.
  static absl::StatusOr<std::shared_ptr<RevocationWatch>> Start(const v1::TlsConfig& tls,
                                                                std::function<absl::Time()> now = nullptr);
  ~RevocationWatch();

  // The verdict for the verified peer certificate `cert_pem` (PEM, as gRPC's
  // "x509_pem_cert" property gives it): OK or UNAUTHENTICATED.
  absl::Status Check(const std::string& cert_pem) const;
  // Like Check, but refuses only a certificate a CRL lists (the handshake).
  // Re-reads the files first if the CRL directory changed since last seen.
  absl::Status CheckRevokedOnly(const std::string& cert_pem);

  // Re-reads the files now (tests; the thread does the same periodically).
  void Refresh();

  // Keeps this watch alive as long as gRPC keeps the verifier.
  std::shared_ptr<grpc::experimental::CertificateVerifier> HandshakeVerifier();

  // Called for each handshake the verifier refuses (a CRL lists the
  // certificate), on gRPC's handshake thread: the certificate's PEM and the
  // refusal. Refusals are rare, so calls are serialized; `listener` must not
  // block on the network. Set (or cleared with nullptr) at any time: once
  // this returns, a cleared listener is no longer running nor called.
  using HandshakeRefused = std::function<void(const std::string& cert_pem, const absl::Status& refusal)>;
  void OnHandshakeRefused(HandshakeRefused listener) ABSL_LOCKS_EXCLUDED(refused_mu_);
  // The verifier's step: the verdict of CheckRevokedOnly, the listener told
  // of a refusal.
  absl::Status VerifyAtHandshake(const std::string& cert_pem) ABSL_LOCKS_EXCLUDED(refused_mu_);

  void AddGauges(metrics::Registry* registry) const;

 private:
  RevocationWatch(v1::TlsConfig tls, std::function<absl::Time()> now);
  auth::RevocationVerdict Verdict(const std::string& cert_pem) const;
  std::shared_ptr<const auth::RevocationSnapshot> Current() const;
  void LogChanges(const auth::RevocationSnapshot& snapshot);

  const v1::TlsConfig tls_;
  const absl::Duration grace_;
  const std::function<absl::Time()> now_;

  mutable absl::Mutex mu_;
  std::shared_ptr<const auth::RevocationSnapshot> snapshot_ ABSL_GUARDED_BY(mu_);
  // Parsing the peer certificate on every call is measurable; the same few
  // dozen agency certificates come back all day (bounded: cleared when full).
  mutable absl::flat_hash_map<std::string, auth::CertRef> refs_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, auth::CrlState> logged_ ABSL_GUARDED_BY(mu_);  // by CA subject
  std::vector<std::string> logged_skipped_ ABSL_GUARDED_BY(mu_);  // the last snapshot's skipped files
  std::filesystem::file_time_type crl_dir_mtime_ ABSL_GUARDED_BY(mu_);

  // Held while the listener runs, so clearing it waits for a running call.
  absl::Mutex refused_mu_;
  HandshakeRefused refused_ ABSL_GUARDED_BY(refused_mu_);

  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace caselink::server
