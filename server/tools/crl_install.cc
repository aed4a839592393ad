#include "server/tools/crl_install.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "caselink_common/status_macros.h"
#include "server/tools/tool_io.h"

namespace caselink::admin_tool {
namespace {

namespace fs = std::filesystem;
using CrlPtr = std::unique_ptr<X509_CRL, decltype(&X509_CRL_free)>;
using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;

CrlPtr ParseCrl(const std::string& bytes) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())),
                                                BIO_free);
  X509_CRL* crl = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr);
  if (crl == nullptr) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(bytes.data());
    crl = d2i_X509_CRL(nullptr, &p, static_cast<long>(bytes.size()));
  }
  ERR_clear_error();
  return CrlPtr(crl, X509_CRL_free);
}

std::vector<CertPtr> ParseCerts(const std::string& pem) {
  std::vector<CertPtr> out;
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  while (X509* c = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) out.emplace_back(c, X509_free);
  ERR_clear_error();
  return out;
}

std::string Name(const X509_NAME* name) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, n);
}

std::string SerialHex(const ASN1_INTEGER* serial) {
  std::unique_ptr<BIGNUM, decltype(&BN_free)> bn(ASN1_INTEGER_to_BN(serial, nullptr), BN_free);
  char* hex = BN_bn2hex(bn.get());
  std::string out(hex);
  OPENSSL_free(hex);
  return out;
}

// The issuing CA of `crl` in the bundle, verified by signature.
absl::Status CheckSignedByBundle(X509_CRL* crl, const std::string& bundle_file) {
  CASELINK_ASSIGN_OR_RETURN(std::string pem, ReadInputFile(bundle_file));
  for (CertPtr& ca : ParseCerts(pem)) {
    if (X509_NAME_cmp(X509_get_subject_name(ca.get()), X509_CRL_get_issuer(crl)) != 0) continue;
    EVP_PKEY* key = X509_get0_pubkey(ca.get());
    if (key != nullptr && X509_CRL_verify(crl, key) == 1) return absl::OkStatus();
  }
  ERR_clear_error();
  return absl::FailedPreconditionError(absl::StrCat(
      "the CRL is not signed by any CA of ", bundle_file, " (issuer ", Name(X509_CRL_get_issuer(crl)),
      "); the server would ignore it"));
}

absl::Status CheckRevokes(X509_CRL* crl, const std::string& cert_file) {
  CASELINK_ASSIGN_OR_RETURN(std::string pem, ReadInputFile(cert_file));
  std::vector<CertPtr> certs = ParseCerts(pem);
  if (certs.empty()) return absl::InvalidArgumentError(absl::StrCat(cert_file, ": no PEM certificate"));
  X509_REVOKED* entry = nullptr;
  if (X509_NAME_cmp(X509_get_issuer_name(certs[0].get()), X509_CRL_get_issuer(crl)) != 0 ||
      X509_CRL_get0_by_cert(crl, &entry, certs[0].get()) != 1) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the CRL does not revoke ", cert_file, " (serial ", SerialHex(X509_get0_serialNumber(certs[0].get())),
        "); was it generated after the revocation?"));
  }
  return absl::OkStatus();
}

// The highest existing suffix N of <dir>/<hash>.rN (-1 if none), and the
// newest lastUpdate among those CRLs.
absl::Status ScanInstalled(const std::string& dir, const std::string& hash, int* max_suffix,
                           CrlPtr* newest) {
  *max_suffix = -1;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    int n = 0;
    if (name.rfind(hash + ".r", 0) != 0 || !absl::SimpleAtoi(name.substr(hash.size() + 2), &n)) continue;
    *max_suffix = std::max(*max_suffix, n);
    auto bytes = ReadInputFile(entry.path().string());
    if (!bytes.ok()) continue;
    CrlPtr crl = ParseCrl(*bytes);
    if (crl && (!*newest || ASN1_TIME_compare(X509_CRL_get0_lastUpdate(crl.get()),
                                              X509_CRL_get0_lastUpdate(newest->get())) > 0)) {
      *newest = std::move(crl);
    }
  }
  if (ec) return absl::NotFoundError(absl::StrCat(dir, ": cannot read the CRL directory: ", ec.message()));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CrlInstallResult> InstallCrl(const CrlInstallRequest& req) {
  CASELINK_ASSIGN_OR_RETURN(std::string bytes, ReadInputFile(req.crl_file));
  CrlPtr crl = ParseCrl(bytes);
  if (!crl) return absl::InvalidArgumentError(absl::StrCat(req.crl_file, ": not a CRL (PEM or DER)"));
  if (!req.client_ca_file.empty()) CASELINK_RETURN_IF_ERROR(CheckSignedByBundle(crl.get(), req.client_ca_file));
  for (const std::string& cert : req.must_revoke_cert_files) {
    CASELINK_RETURN_IF_ERROR(CheckRevokes(crl.get(), cert));
  }
  const std::string hash = absl::StrFormat("%08lx", X509_NAME_hash_ex(X509_CRL_get_issuer(crl.get()),
                                                                       nullptr, nullptr, nullptr));
  int max_suffix = -1;
  CrlPtr newest(nullptr, X509_CRL_free);
  CASELINK_RETURN_IF_ERROR(ScanInstalled(req.crl_dir, hash, &max_suffix, &newest));
  // OpenSSL uses the CRL with the latest lastUpdate (one-second resolution):
  // one not strictly newer than an installed CRL would be silently ignored.
  if (newest && ASN1_TIME_compare(X509_CRL_get0_lastUpdate(crl.get()),
                                  X509_CRL_get0_lastUpdate(newest.get())) <= 0) {
    return absl::FailedPreconditionError(
        "the CRL is not newer (lastUpdate) than one already installed for this CA, so the server "
        "would keep using the installed one; generate a new CRL");
  }
  CrlInstallResult result;
  result.issuer = Name(X509_CRL_get_issuer(crl.get()));
  STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl.get());
  for (int i = 0; i < sk_X509_REVOKED_num(revoked); ++i) {
    result.revoked_serials.push_back(SerialHex(X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(revoked, i))));
  }
  // The next suffix: a new name is what makes the running server read it.
  result.installed_path = (fs::path(req.crl_dir) / absl::StrCat(hash, ".r", max_suffix + 1)).string();
  const std::string tmp = (fs::path(req.crl_dir) / absl::StrCat(".", hash, ".tmp")).string();
  {
    // Always PEM: the server's hashed-directory lookup reads PEM only.
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    PEM_write_bio_X509_CRL(bio.get(), crl.get());
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(data, n);
    out.flush();
    if (!out) return absl::UnavailableError(absl::StrCat(tmp, ": cannot write"));
  }
  if (std::rename(tmp.c_str(), result.installed_path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return absl::UnavailableError(absl::StrCat(result.installed_path, ": cannot rename into place"));
  }
  return result;
}

}  // namespace caselink::admin_tool
