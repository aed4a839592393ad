#include "server/revoked_certs.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace caselink::server {
namespace {

namespace fs = std::filesystem;
using CrlPtr = std::unique_ptr<X509_CRL, decltype(&X509_CRL_free)>;
using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;
using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

CrlPtr ParseCrl(const std::string& bytes) {
  BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())), BIO_free);
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
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  while (X509* c = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) out.emplace_back(c, X509_free);
  ERR_clear_error();
  return out;
}

std::string NameDer(const X509_NAME* name) {
  unsigned char* der = nullptr;
  int n = i2d_X509_NAME(name, &der);
  if (n <= 0) return "";
  std::string out(reinterpret_cast<char*>(der), n);
  OPENSSL_free(der);
  return out;
}

std::string SerialHex(const ASN1_INTEGER* serial) {
  std::unique_ptr<BIGNUM, decltype(&BN_free)> bn(ASN1_INTEGER_to_BN(serial, nullptr), BN_free);
  if (!bn) return "";
  char* hex = BN_bn2hex(bn.get());
  std::string out(hex);
  OPENSSL_free(hex);
  return out;
}

std::string Key(const X509_NAME* issuer, const ASN1_INTEGER* serial) {
  return absl::StrCat(NameDer(issuer), absl::string_view("\0", 1), SerialHex(serial));
}

bool SignedByBundle(X509_CRL* crl, const std::vector<CertPtr>& cas) {
  for (const CertPtr& ca : cas) {
    if (X509_NAME_cmp(X509_get_subject_name(ca.get()), X509_CRL_get_issuer(crl)) != 0) continue;
    EVP_PKEY* key = X509_get0_pubkey(ca.get());
    if (key != nullptr && X509_CRL_verify(crl, key) == 1) return true;
  }
  ERR_clear_error();
  return false;
}

}  // namespace

void RevokedCerts::RescanLocked() {
  std::vector<std::string> files;
  std::string fingerprint;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(crl_dir_, ec)) {
    std::error_code e2;
    if (!entry.is_regular_file(e2)) continue;
    files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  for (const std::string& f : files) {
    std::error_code e2;
    const auto size = fs::file_size(f, e2);
    const auto mtime = fs::last_write_time(f, e2).time_since_epoch().count();
    absl::StrAppend(&fingerprint, f, "|", size, "|", mtime, "\n");
  }
  if (fingerprint == fingerprint_) return;
  // The CA bundle is re-read with the CRLs: CAs are rotated in place.
  std::vector<CertPtr> cas = ParseCerts(ReadAll(ca_file_));
  absl::flat_hash_set<std::string> revoked;
  for (const std::string& f : files) {
    CrlPtr crl = ParseCrl(ReadAll(f));
    if (!crl) continue;
    if (!SignedByBundle(crl.get(), cas)) {
      spdlog::warn("{}: CRL not signed by a CA of {}; ignored for open connections", f, ca_file_);
      continue;
    }
    STACK_OF(X509_REVOKED)* list = X509_CRL_get_REVOKED(crl.get());
    for (int i = 0; i < sk_X509_REVOKED_num(list); ++i) {
      revoked.insert(Key(X509_CRL_get_issuer(crl.get()),
                         X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(list, i))));
    }
  }
  fingerprint_ = std::move(fingerprint);
  revoked_ = std::move(revoked);
}

bool RevokedCerts::IsRevoked(const std::string& cert_pem) {
  if (crl_dir_.empty() || cert_pem.empty()) return false;
  const absl::Time now = absl::Now();
  {
    // Every call comes here: the usual answer takes a shared lock only.
    absl::ReaderMutexLock lock(&mu_);
    if (now - scanned_ < rescan_every_) {
      if (revoked_.empty()) return false;
      auto it = keys_.find(cert_pem);
      if (it != keys_.end()) return revoked_.contains(it->second);
    }
  }
  absl::MutexLock lock(&mu_);
  if (now - scanned_ >= rescan_every_) {
    RescanLocked();
    scanned_ = now;
  }
  if (revoked_.empty()) return false;
  auto it = keys_.find(cert_pem);
  if (it == keys_.end()) {
    std::vector<CertPtr> certs = ParseCerts(cert_pem);
    if (certs.empty()) return false;
    if (keys_.size() >= 4096) keys_.clear();
    it = keys_.emplace(cert_pem, Key(X509_get_issuer_name(certs[0].get()),
                                     X509_get0_serialNumber(certs[0].get()))).first;
  }
  return revoked_.contains(it->second);
}

}  // namespace caselink::server
