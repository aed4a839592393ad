#include "auth/revocation.h"

#include "caselink_common/read_file.h"

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "absl/strings/str_cat.h"

namespace caselink::auth {
namespace {

namespace fs = std::filesystem;

using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;
using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;
using CrlPtr = std::unique_ptr<X509_CRL, decltype(&X509_CRL_free)>;

BioPtr MemBio(absl::string_view s) {
  return BioPtr(BIO_new_mem_buf(s.data(), static_cast<int>(s.size())), BIO_free);
}

std::string Der(const X509_NAME* name) {
  unsigned char* out = nullptr;
  const int n = i2d_X509_NAME(name, &out);
  if (n <= 0) return "";
  std::string der(reinterpret_cast<char*>(out), n);
  OPENSSL_free(out);
  return der;
}

std::string Rfc2253(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()), BIO_free);
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, n);
}

std::string SerialHex(const ASN1_INTEGER* serial) {
  std::unique_ptr<BIGNUM, decltype(&BN_free)> bn(ASN1_INTEGER_to_BN(serial, nullptr), BN_free);
  if (!bn) return "";
  char* hex = BN_bn2hex(bn.get());
  std::string out(hex);
  OPENSSL_free(hex);
  return out;
}

absl::Time ToTime(const ASN1_TIME* t, absl::Time if_absent) {
  struct tm tm {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return if_absent;
  return absl::FromUnixSeconds(timegm(&tm));
}

CertRef RefOf(X509* cert) {
  return {Der(X509_get_issuer_name(cert)), Der(X509_get_subject_name(cert)),
          SerialHex(X509_get0_serialNumber(cert))};
}

bool ReadFile(const fs::path& path, std::string* out) { return ReadWholeFile(path.string(), out); }

CrlPtr ParseCrl(const std::string& bytes) {
  X509_CRL* crl = PEM_read_bio_X509_CRL(MemBio(bytes).get(), nullptr, nullptr, nullptr);
  if (crl == nullptr) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(bytes.data());
    crl = d2i_X509_CRL(nullptr, &p, static_cast<long>(bytes.size()));
  }
  ERR_clear_error();
  return CrlPtr(crl, X509_CRL_free);
}

std::string When(absl::Time t) { return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", t, absl::UTCTimeZone()); }

}  // namespace

absl::StatusOr<CertRef> CertRefFromPem(absl::string_view pem) {
  CertPtr cert(PEM_read_bio_X509(MemBio(pem).get(), nullptr, nullptr, nullptr), X509_free);
  ERR_clear_error();
  if (!cert) return absl::InvalidArgumentError("not a PEM certificate");
  return RefOf(cert.get());
}

absl::StatusOr<std::shared_ptr<const RevocationSnapshot>> RevocationSnapshot::Load(
    const std::string& ca_file, const std::string& crl_dir) {
  std::string bundle;
  if (!ReadFile(ca_file, &bundle)) return absl::NotFoundError(absl::StrCat(ca_file, ": cannot read the client CA bundle"));
  std::shared_ptr<RevocationSnapshot> s(new RevocationSnapshot());
  s->ca_file_ = ca_file;
  s->crl_dir_ = crl_dir;
  std::vector<CertPtr> certs;
  BioPtr bio = MemBio(bundle);
  while (X509* c = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    certs.emplace_back(c, X509_free);
    CaRevocation ca;
    ca.subject = Rfc2253(X509_get_subject_name(c));
    ca.ca = RefOf(c);
    s->cas_.push_back(std::move(ca));
  }
  ERR_clear_error();
  if (certs.empty()) return absl::InvalidArgumentError(absl::StrCat(ca_file, ": no PEM certificate in the client CA bundle"));

  std::error_code ec;
  fs::directory_iterator it(crl_dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const fs::path& path = it->path();
    // Dot-files are temporary files of `caselink admin revoke`.
    if (path.filename().string().rfind('.', 0) == 0 || !it->is_regular_file(ec)) continue;
    std::string bytes;
    if (!ReadFile(path, &bytes)) {
      s->skipped_.push_back(absl::StrCat(path.string(), ": cannot be read"));
      continue;
    }
    CrlPtr crl = ParseCrl(bytes);
    if (!crl) {
      ERR_clear_error();
      s->skipped_.push_back(absl::StrCat(path.string(), ": not a CRL (PEM or DER)"));
      continue;
    }
    for (size_t i = 0; i < certs.size(); ++i) {
      if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(certs[i].get())) != 0) continue;
      CaRevocation& ca = s->cas_[i];
      EVP_PKEY* key = X509_get0_pubkey(certs[i].get());
      if (key == nullptr || X509_CRL_verify(crl.get(), key) != 1) {
        ERR_clear_error();
        ++ca.unverified_crls;
        continue;
      }
      // The newest CRL (lastUpdate) wins, as in OpenSSL's own lookup.
      const absl::Time last = ToTime(X509_CRL_get0_lastUpdate(crl.get()), absl::InfinitePast());
      if (!ca.crl_file.empty() && last <= ca.last_update) continue;
      ca.crl_file = path.string();
      ca.last_update = last;
      ca.next_update = ToTime(X509_CRL_get0_nextUpdate(crl.get()), absl::InfiniteFuture());
      ca.revoked.clear();
      STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl.get());
      for (int r = 0; r < sk_X509_REVOKED_num(revoked); ++r) {
        ca.revoked.insert(SerialHex(X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(revoked, r))));
      }
    }
  }
  ERR_clear_error();
  return std::shared_ptr<const RevocationSnapshot>(std::move(s));
}

CrlState RevocationSnapshot::State(const CaRevocation& ca, absl::Time now, absl::Duration grace) {
  if (ca.crl_file.empty()) return CrlState::kMissing;
  if (now <= ca.next_update) return CrlState::kCurrent;
  return now - ca.next_update <= grace ? CrlState::kStaleInGrace : CrlState::kStaleBeyondGrace;
}

const CaRevocation* RevocationSnapshot::Find(const std::string& subject_der) const {
  for (const CaRevocation& ca : cas_) {
    if (ca.ca.subject_der == subject_der) return &ca;
  }
  return nullptr;
}

RevocationVerdict RevocationSnapshot::Check(const CertRef& cert, absl::Time now, absl::Duration grace) const {
  const CertRef* cur = &cert;
  // Bounded: a bundle is a handful of CAs, and a loop of cross-signed CAs
  // must not spin.
  for (int depth = 0; depth < 8; ++depth) {
    const CaRevocation* ca = Find(cur->issuer_der);
    if (ca == nullptr) {
      if (depth > 0) return {};  // the chain leaves the bundle: its anchor is trusted as is
      return {RevocationVerdict::kUnknownIssuer,
              absl::StrCat("the issuer of the client certificate is not a CA of ", ca_file_,
                           " (any more); connect again with a certificate of a trusted CA")};
    }
    switch (State(*ca, now, grace)) {
      case CrlState::kMissing:
        return {RevocationVerdict::kCrlMissing,
                absl::StrCat("revocation cannot be checked: no CRL of client CA \"", ca->subject, "\" in ",
                             crl_dir_, "; the server refuses this CA's certificates until the operator "
                             "installs a current CRL (caselink admin revoke)")};
      case CrlState::kStaleBeyondGrace:
        return {RevocationVerdict::kCrlStale,
                absl::StrCat("revocation cannot be checked: the CRL ", ca->crl_file, " of client CA \"",
                             ca->subject, "\" is stale (nextUpdate ", When(ca->next_update),
                             ", beyond the grace of tls.crl_grace_hours); the server refuses this CA's "
                             "certificates until the operator installs a new CRL (caselink admin revoke)")};
      case CrlState::kCurrent:
      case CrlState::kStaleInGrace:
        break;
    }
    if (ca->revoked.contains(cur->serial_hex)) {
      return {RevocationVerdict::kRevoked,
              absl::StrCat(depth == 0 ? "the client certificate" : "an issuing CA certificate", " (serial ",
                           cur->serial_hex, ") is revoked by the CRL ", ca->crl_file, " of client CA \"",
                           ca->subject, "\"")};
    }
    if (ca->ca.issuer_der == ca->ca.subject_der) return {};  // self-signed: the chain ends
    cur = &ca->ca;
  }
  return {};
}

std::vector<std::string> RevocationSnapshot::Problems(absl::Time now, absl::Duration grace) const {
  std::vector<std::string> out;
  for (const CaRevocation& ca : cas_) {
    switch (State(ca, now, grace)) {
      case CrlState::kMissing:
        out.push_back(absl::StrCat(
            crl_dir_.empty() ? std::string("tls.crl_dir (not set)") : crl_dir_, ": no CRL issued by client CA \"",
            ca.subject, "\" of ", ca_file_,
            ca.unverified_crls > 0 ? absl::StrCat(" (", ca.unverified_crls, " file(s) name it as issuer but their "
                                                                        "signature does not verify with its key)")
                                   : std::string(),
            "; every client CA needs a current CRL signed by it, or revoked certificates would be accepted "
            "(certs-example/make-certs.sh writes one; see docs/operations.md)"));
        break;
      case CrlState::kStaleBeyondGrace:
        out.push_back(absl::StrCat(ca.crl_file, ": the CRL of client CA \"", ca.subject,
                                   "\" is stale: its nextUpdate ", When(ca.next_update),
                                   " has passed by more than tls.crl_grace_hours; install a new CRL from the CA"));
        break;
      case CrlState::kCurrent:
      case CrlState::kStaleInGrace:
        break;
    }
  }
  return out;
}

}  // namespace caselink::auth
