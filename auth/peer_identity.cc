#include "auth/peer_identity.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace caselink::auth {

std::vector<std::string> PeerIdentity::Candidates() const {
  std::vector<std::string> out(uri_sans.begin(), uri_sans.end());
  if (!common_name.empty()) out.push_back(absl::StrCat("CN=", common_name));
  return out;
}

std::string PeerIdentity::Describe() const {
  std::vector<std::string> c = Candidates();
  if (c.empty()) return "a certificate with no URI SAN and no common name";
  return absl::StrCat("certificate ", absl::StrJoin(c, ", "));
}

absl::StatusOr<std::string> CertificateFingerprint(absl::string_view pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
  if (!cert) return absl::InvalidArgumentError("not a PEM certificate");
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert.get(), EVP_sha256(), md, &len) != 1) {
    return absl::InternalError("cannot digest the certificate");
  }
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(md), len));
}

}  // namespace caselink::auth
