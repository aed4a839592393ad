#include "tls_material.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

#include "absl/strings/str_cat.h"

namespace caselink::client_internal {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

std::unique_ptr<BIO, BioFree> Bio(const std::string& pem) {
  return std::unique_ptr<BIO, BioFree>(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// Never prompts on the terminal for a passphrase: an encrypted key fails.
int NoPassphrase(char*, int, int, void*) { return 0; }

std::unique_ptr<X509, X509Free> FirstCertificate(const std::string& pem) {
  auto bio = Bio(pem);
  if (bio == nullptr) return nullptr;
  return std::unique_ptr<X509, X509Free>(PEM_read_bio_X509(bio.get(), nullptr, NoPassphrase, nullptr));
}

absl::Status Invalid(absl::string_view field, absl::string_view what) {
  ERR_clear_error();  // this thread's OpenSSL queue must not reach gRPC's next handshake
  return absl::InvalidArgumentError(absl::StrCat("ClientOptions.", field, " ", what));
}

}  // namespace

absl::Status CheckTlsMaterial(const std::string& ca_pem, const std::string& cert_pem, const std::string& key_pem) {
  if (FirstCertificate(ca_pem) == nullptr) return Invalid("ca_pem", "holds no PEM certificate");
  std::unique_ptr<X509, X509Free> cert = FirstCertificate(cert_pem);
  if (cert == nullptr) return Invalid("cert_pem", "holds no PEM certificate");
  auto bio = Bio(key_pem);
  std::unique_ptr<EVP_PKEY, KeyFree> key(
      bio == nullptr ? nullptr : PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (key == nullptr) {
    return Invalid("key_pem", "holds no unencrypted PEM private key (an encrypted key must be decrypted first)");
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return Invalid("key_pem", "is not the private key of the certificate in cert_pem (are the two files of "
                              "the same agency?)");
  }
  ERR_clear_error();
  return absl::OkStatus();
}

}  // namespace caselink::client_internal
