#include "server/admin/cert_expiry.h"

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

#include "spdlog/spdlog.h"

namespace caselink::server {
namespace {

std::string Subject(X509* cert) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, n);
}

std::string Serial(X509* cert) {
  std::unique_ptr<BIGNUM, decltype(&BN_free)> bn(
      ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr), BN_free);
  if (!bn) return "";
  char* hex = BN_bn2hex(bn.get());
  std::string out(hex);
  OPENSSL_free(hex);
  return out;
}

void ReadFile(const std::string& kind, const std::string& path, std::vector<CertExpiry>* out) {
  if (path.empty()) return;
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(path.c_str(), "r"), BIO_free);
  if (!bio) {
    ERR_clear_error();
    return;
  }
  while (X509* raw = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    std::unique_ptr<X509, decltype(&X509_free)> cert(raw, X509_free);
    struct tm tm {};
    if (ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &tm) != 1) continue;
    out->push_back({kind, path, Subject(cert.get()), Serial(cert.get()),
                    absl::FromUnixSeconds(timegm(&tm))});
  }
  ERR_clear_error();  // the end of the file shows up as a PEM "no start line" error
}

}  // namespace

std::vector<CertExpiry> ReadCertExpiries(const v1::TlsConfig& tls) {
  std::vector<CertExpiry> out;
  ReadFile("server", tls.cert_file(), &out);
  ReadFile("client_ca", tls.client_ca_file(), &out);
  return out;
}

int WarnAboutExpiringCerts(const std::vector<CertExpiry>& certs, absl::Time now,
                           absl::Duration warn_within) {
  int logged = 0;
  for (const CertExpiry& c : certs) {
    const absl::Duration left = c.not_after - now;
    if (left >= warn_within) continue;
    ++logged;
    const std::string when = absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", c.not_after, absl::UTCTimeZone());
    if (left <= absl::ZeroDuration()) {
      spdlog::error("certificate EXPIRED: kind={} subject=\"{}\" serial={} file={} not_after=\"{}\"",
                    c.kind, c.subject, c.serial, c.file, when);
    } else {
      spdlog::warn("certificate expires in {:.1f} days: kind={} subject=\"{}\" serial={} file={} not_after=\"{}\"",
                   absl::ToDoubleHours(left) / 24, c.kind, c.subject, c.serial, c.file, when);
    }
  }
  return logged;
}

CertExpiryWatch::CertExpiryWatch(v1::TlsConfig tls, absl::Duration warn_within, absl::Duration every) {
  WarnAboutExpiringCerts(ReadCertExpiries(tls), absl::Now(), warn_within);
  thread_ = std::thread([this, tls = std::move(tls), warn_within, every] {
    while (!stop_.WaitForNotificationWithTimeout(every)) {
      WarnAboutExpiringCerts(ReadCertExpiries(tls), absl::Now(), warn_within);
    }
  });
}

CertExpiryWatch::~CertExpiryWatch() {
  stop_.Notify();
  thread_.join();
}

}  // namespace caselink::server
