#include "server/admin/revocation_watch.h"

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "server/server_config.h"
#include "spdlog/spdlog.h"

namespace caselink::server {
namespace {

std::string When(absl::Time t) { return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", t, absl::UTCTimeZone()); }

// Refuses, during the handshake, certificates that a CRL revokes; everything
// else passes to the call guard (see the header).
class RevokedAtHandshake : public grpc::experimental::ExternalCertificateVerifier {
 public:
  explicit RevokedAtHandshake(std::shared_ptr<RevocationWatch> watch) : watch_(std::move(watch)) {}

  bool Verify(grpc::experimental::TlsCustomVerificationCheckRequest* request,
              std::function<void(grpc::Status)> /*callback*/, grpc::Status* sync_status) override {
    const grpc::string_ref pem = request->peer_cert();
    const absl::Status s = watch_->VerifyAtHandshake(std::string(pem.data(), pem.size()));
    *sync_status = s.ok() ? grpc::Status::OK
                          : grpc::Status(grpc::StatusCode::UNAUTHENTICATED, std::string(s.message()));
    return true;  // synchronous
  }
  void Cancel(grpc::experimental::TlsCustomVerificationCheckRequest*) override {}

 private:
  std::shared_ptr<RevocationWatch> watch_;
};

}  // namespace

absl::StatusOr<std::shared_ptr<RevocationWatch>> RevocationWatch::Start(const v1::TlsConfig& tls,
                                                                        std::function<absl::Time()> now) {
  if (!now) now = [] { return absl::Now(); };
  std::shared_ptr<RevocationWatch> w(new RevocationWatch(tls, std::move(now)));
  auto snapshot = auth::RevocationSnapshot::Load(tls.client_ca_file(), tls.crl_dir());
  if (!snapshot.ok()) return snapshot.status();
  {
    absl::MutexLock l(&w->mu_);
    w->snapshot_ = *snapshot;
  }
  w->LogChanges(**snapshot);
  // At least twice a second whatever the certificate refresh interval: an
  // open stream of a revoked certificate must end within about a second
  // (stream_scope.h). A re-read of a few PEM files costs well under a ms.
  const absl::Duration every =
      std::min(absl::Seconds(std::max(tls.refresh_interval_seconds(), 1)), absl::Milliseconds(500));
  RevocationWatch* self = w.get();
  w->thread_ = std::thread([self, every] {
    while (!self->stop_.WaitForNotificationWithTimeout(every)) self->Refresh();
  });
  return w;
}

RevocationWatch::RevocationWatch(v1::TlsConfig tls, std::function<absl::Time()> now)
    : tls_(std::move(tls)), grace_(CrlGrace(tls_)), now_(std::move(now)) {}

RevocationWatch::~RevocationWatch() {
  stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

void RevocationWatch::Refresh() {
  auto snapshot = auth::RevocationSnapshot::Load(tls_.client_ca_file(), tls_.crl_dir());
  if (!snapshot.ok()) {
    spdlog::error("client CAs and CRLs not re-read (the previous ones stay in force): {}",
                  std::string(snapshot.status().message()));
    return;
  }
  {
    absl::MutexLock l(&mu_);
    snapshot_ = *snapshot;
  }
  LogChanges(**snapshot);
}

std::shared_ptr<const auth::RevocationSnapshot> RevocationWatch::Current() const {
  absl::MutexLock l(&mu_);
  return snapshot_;
}

// One line per change of a CA's state (a stale CRL is not logged again every
// second); a stale state is repeated by the gauge, which alerting watches.
void RevocationWatch::LogChanges(const auth::RevocationSnapshot& snapshot) {
  const absl::Time now = now_();
  std::vector<std::string> newly_skipped;
  {
    absl::MutexLock l(&mu_);
    for (const std::string& s : snapshot.skipped()) {
      if (std::find(logged_skipped_.begin(), logged_skipped_.end(), s) == logged_skipped_.end()) {
        newly_skipped.push_back(s);
      }
    }
    logged_skipped_ = snapshot.skipped();
  }
  for (const std::string& s : newly_skipped) {
    spdlog::warn("CRL file skipped: {}; it revokes nothing (install CRLs with caselink admin revoke)", s);
  }
  for (const auth::CaRevocation& ca : snapshot.cas()) {
    const auth::CrlState state = auth::RevocationSnapshot::State(ca, now, grace_);
    {
      absl::MutexLock l(&mu_);
      auto [it, inserted] = logged_.try_emplace(ca.subject, state);
      if (!inserted && it->second == state) continue;
      if (inserted && state == auth::CrlState::kCurrent) continue;
      it->second = state;
    }
    switch (state) {
      case auth::CrlState::kCurrent:
        spdlog::info("client CA \"{}\": CRL {} is current (nextUpdate {})", ca.subject, ca.crl_file,
                     When(ca.next_update));
        break;
      case auth::CrlState::kStaleInGrace:
        spdlog::warn(
            "client CA \"{}\": CRL {} is STALE (nextUpdate {} has passed); its clients are refused from {} "
            "(tls.crl_grace_hours) unless a new CRL is installed (caselink admin revoke)",
            ca.subject, ca.crl_file, When(ca.next_update), When(ca.next_update + grace_));
        break;
      case auth::CrlState::kStaleBeyondGrace:
        spdlog::error("client CA \"{}\": CRL {} is stale beyond the grace (nextUpdate {}); its clients are REFUSED",
                      ca.subject, ca.crl_file, When(ca.next_update));
        break;
      case auth::CrlState::kMissing:
        spdlog::error("client CA \"{}\": no CRL of it in {}; its clients are REFUSED", ca.subject, tls_.crl_dir());
        break;
    }
  }
}

auth::RevocationVerdict RevocationWatch::Verdict(const std::string& cert_pem) const {
  std::shared_ptr<const auth::RevocationSnapshot> snapshot;
  auth::CertRef ref;
  bool cached = false;
  {
    absl::MutexLock l(&mu_);
    snapshot = snapshot_;
    auto it = refs_.find(cert_pem);
    if (it != refs_.end()) {
      ref = it->second;
      cached = true;
    }
  }
  if (!cached) {
    auto parsed = auth::CertRefFromPem(cert_pem);
    if (!parsed.ok()) {
      return {auth::RevocationVerdict::kUnknownIssuer, "the client certificate cannot be read for the revocation check"};
    }
    ref = *parsed;
    absl::MutexLock l(&mu_);
    if (refs_.size() >= 4096) refs_.clear();
    refs_[cert_pem] = ref;
  }
  return snapshot->Check(ref, now_(), grace_);
}

absl::Status RevocationWatch::Check(const std::string& cert_pem) const {
  auth::RevocationVerdict v = Verdict(cert_pem);
  if (v.ok()) return absl::OkStatus();
  return absl::UnauthenticatedError(v.message);
}

absl::Status RevocationWatch::CheckRevokedOnly(const std::string& cert_pem) {
  // A CRL installed under a new name (caselink admin revoke) changes the
  // directory: re-read at once, so the very next handshake sees it, as with
  // gRPC's own lookup. Handshakes are rare next to calls; calls rely on the
  // periodic re-read.
  std::error_code ec;
  const auto mtime = std::filesystem::last_write_time(tls_.crl_dir(), ec);
  bool changed = false;
  if (!ec) {
    absl::MutexLock l(&mu_);
    changed = mtime != crl_dir_mtime_;
    crl_dir_mtime_ = mtime;
  }
  if (changed) Refresh();
  auth::RevocationVerdict v = Verdict(cert_pem);
  if (v.kind != auth::RevocationVerdict::kRevoked) return absl::OkStatus();
  return absl::UnauthenticatedError(v.message);
}

void RevocationWatch::OnHandshakeRefused(HandshakeRefused listener) {
  absl::MutexLock l(&refused_mu_);
  refused_ = std::move(listener);
}

absl::Status RevocationWatch::VerifyAtHandshake(const std::string& cert_pem) {
  absl::Status s = CheckRevokedOnly(cert_pem);
  if (!s.ok()) {
    absl::MutexLock l(&refused_mu_);
    if (refused_) refused_(cert_pem, s);
  }
  return s;
}

std::shared_ptr<grpc::experimental::CertificateVerifier> RevocationWatch::HandshakeVerifier() {
  return grpc::experimental::ExternalCertificateVerifier::Create<RevokedAtHandshake>(
      shared_from_this());
}

void RevocationWatch::AddGauges(metrics::Registry* r) const {
  using Values = std::vector<std::pair<metrics::Labels, double>>;
  // The gauges hold a weak reference: a scrape after the watch is gone
  // reports nothing rather than touching freed memory.
  std::weak_ptr<const RevocationWatch> weak = shared_from_this();
  auto per_ca = [weak](auto value) {
    return [weak, value] {
      Values out;
      auto self = weak.lock();
      if (!self) return out;
      auto snapshot = self->Current();
      const absl::Time now = self->now_();
      for (const auth::CaRevocation& ca : snapshot->cas()) {
        const double v = value(ca, auth::RevocationSnapshot::State(ca, now, self->grace_));
        if (v >= 0) out.push_back({{{"ca", ca.subject}}, v});
      }
      return out;
    };
  };
  r->AddGauge("caselink_crl_next_update_timestamp_seconds",
              "nextUpdate of the CRL in force for each client CA, as Unix time (absent: no CRL).",
              per_ca([](const auth::CaRevocation& ca, auth::CrlState s) {
                if (s == auth::CrlState::kMissing || ca.next_update == absl::InfiniteFuture()) return -1.0;
                return static_cast<double>(absl::ToUnixSeconds(ca.next_update));
              }));
  r->AddGauge("caselink_crl_stale",
              "1 if the client CA's CRL is past its nextUpdate or missing (a warning: install a new CRL).",
              per_ca([](const auth::CaRevocation&, auth::CrlState s) {
                return s == auth::CrlState::kCurrent ? 0.0 : 1.0;
              }));
  r->AddGauge("caselink_crl_refusing",
              "1 if the client CA's clients are refused (CRL missing, or stale beyond tls.crl_grace_hours).",
              per_ca([](const auth::CaRevocation&, auth::CrlState s) {
                return s == auth::CrlState::kMissing || s == auth::CrlState::kStaleBeyondGrace ? 1.0 : 0.0;
              }));
}

}  // namespace caselink::server
