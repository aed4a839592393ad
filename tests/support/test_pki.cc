#include "support/test_pki.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "support/temp_dir.h"

namespace caselink::testing {
namespace {

template <typename T, void (*F)(T*)>
struct Free {
  void operator()(T* p) const { F(p); }
};
using BioPtr = std::unique_ptr<BIO, Free<BIO, BIO_free_all>>;
using BnPtr = std::unique_ptr<BIGNUM, Free<BIGNUM, BN_free>>;
using Asn1IntPtr = std::unique_ptr<ASN1_INTEGER, Free<ASN1_INTEGER, ASN1_INTEGER_free>>;
using Asn1TimePtr = std::unique_ptr<ASN1_TIME, Free<ASN1_TIME, ASN1_TIME_free>>;
using X509Ptr = std::unique_ptr<X509, Free<X509, X509_free>>;
using CrlPtr = std::unique_ptr<X509_CRL, Free<X509_CRL, X509_CRL_free>>;
using RevokedPtr = std::unique_ptr<X509_REVOKED, Free<X509_REVOKED, X509_REVOKED_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Free<X509_EXTENSION, X509_EXTENSION_free>>;
using GenNamesPtr = std::unique_ptr<GENERAL_NAMES, Free<GENERAL_NAMES, GENERAL_NAMES_free>>;
using GenNamePtr = std::unique_ptr<GENERAL_NAME, Free<GENERAL_NAME, GENERAL_NAME_free>>;
using KeyPtr = std::unique_ptr<EVP_PKEY, Free<EVP_PKEY, EVP_PKEY_free>>;

// Drains the whole OpenSSL error queue so the message carries the root cause
// and the next operation starts with a clean queue.
absl::Status SslError(absl::string_view what) {
  std::string msg(what);
  bool any = false;
  for (unsigned long e = ERR_get_error(); e != 0; e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    absl::StrAppend(&msg, any ? "; " : ": ", buf);
    any = true;
  }
  if (!any) absl::StrAppend(&msg, ": (no OpenSSL error reported)");
  return absl::InternalError(msg);
}

int64_t Seconds(absl::Duration d) { return absl::ToInt64Seconds(d); }

absl::StatusOr<std::string> BioToString(BIO* bio) {
  BUF_MEM* mem = nullptr;
  if (BIO_get_mem_ptr(bio, &mem) != 1 || mem == nullptr) {
    return SslError("BIO_get_mem_ptr");
  }
  return std::string(mem->data, mem->length);
}

absl::StatusOr<std::string> CertToPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) {
    return SslError("PEM_write_bio_X509");
  }
  return BioToString(bio.get());
}

absl::StatusOr<std::string> KeyToPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0,
                                       nullptr, nullptr) != 1) {
    return SslError("PEM_write_bio_PrivateKey");
  }
  return BioToString(bio.get());
}

absl::StatusOr<KeyPtr> NewEcKey() {
  KeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return SslError("EVP_EC_gen(P-256)");
  return key;
}

// 16 random bytes with the top bit clear (serials must be positive) and the
// next bit set (so every serial has the same 32-hex-digit spelling).
absl::StatusOr<std::string> RandomSerialHex() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return SslError("RAND_bytes");
  bytes[0] = static_cast<unsigned char>((bytes[0] & 0x7f) | 0x40);
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : bytes) {
    hex.push_back(kHex[b >> 4]);
    hex.push_back(kHex[b & 0xf]);
  }
  return hex;
}

absl::StatusOr<Asn1IntPtr> HexToAsn1Integer(const std::string& hex) {
  if (hex.empty()) return absl::InvalidArgumentError("empty serial");
  for (char c : hex) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(absl::StrCat("serial is not hex: ", hex));
    }
  }
  BIGNUM* raw = nullptr;
  if (BN_hex2bn(&raw, hex.c_str()) == 0) return SslError("BN_hex2bn");
  BnPtr bn(raw);
  Asn1IntPtr out(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (!out) return SslError("BN_to_ASN1_INTEGER");
  return out;
}

absl::Status AddConfExt(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  ExtPtr ext(X509V3_EXT_nconf_nid(nullptr, ctx, nid, value));
  if (!ext) {
    return SslError(absl::StrCat("X509V3_EXT_nconf_nid(", OBJ_nid2sn(nid), "=", value, ")"));
  }
  if (X509_add_ext(cert, ext.get(), -1) != 1) return SslError("X509_add_ext");
  return absl::OkStatus();
}

// Built by hand rather than from an "DNS:a,URI:b" config string so that names
// containing commas or colons are encoded verbatim.
absl::Status AddSans(X509* cert, const CertSpec& spec) {
  if (spec.dns_sans.empty() && spec.ip_sans.empty() && spec.uri_sans.empty()) {
    return absl::OkStatus();
  }
  GenNamesPtr names(GENERAL_NAMES_new());
  if (!names) return SslError("GENERAL_NAMES_new");
  auto add_string = [&](int type, const std::string& value) -> absl::Status {
    GenNamePtr gn(GENERAL_NAME_new());
    ASN1_IA5STRING* str = ASN1_IA5STRING_new();
    if (!gn || !str ||
        ASN1_STRING_set(str, value.data(), static_cast<int>(value.size())) != 1) {
      ASN1_IA5STRING_free(str);
      return SslError("GENERAL_NAME string");
    }
    GENERAL_NAME_set0_value(gn.get(), type, str);
    if (sk_GENERAL_NAME_push(names.get(), gn.get()) == 0) {
      return SslError("sk_GENERAL_NAME_push");
    }
    gn.release();
    return absl::OkStatus();
  };
  for (const auto& dns : spec.dns_sans) {
    if (absl::Status s = add_string(GEN_DNS, dns); !s.ok()) return s;
  }
  for (const auto& uri : spec.uri_sans) {
    if (absl::Status s = add_string(GEN_URI, uri); !s.ok()) return s;
  }
  for (const auto& ip : spec.ip_sans) {
    GenNamePtr gn(a2i_GENERAL_NAME(nullptr, nullptr, nullptr, GEN_IPADD,
                                   ip.c_str(), 0));
    if (!gn) {
      ERR_clear_error();
      return absl::InvalidArgumentError(absl::StrCat("bad IP SAN: ", ip));
    }
    if (sk_GENERAL_NAME_push(names.get(), gn.get()) == 0) {
      return SslError("sk_GENERAL_NAME_push");
    }
    gn.release();
  }
  // RFC 5280: SAN must be critical when the subject is empty.
  const int critical = spec.common_name.empty() ? 1 : 0;
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), critical,
                        X509V3_ADD_DEFAULT) != 1) {
    return SslError("X509_add1_ext_i2d(subjectAltName)");
  }
  return absl::OkStatus();
}

// Version, serial, validity, subject, issuer and public key: the part every
// certificate has in common.
absl::StatusOr<X509Ptr> NewCertSkeleton(const std::string& common_name,
                                        const std::string& serial_hex,
                                        absl::Duration not_before_offset,
                                        absl::Duration lifetime,
                                        EVP_PKEY* subject_key,
                                        X509* issuer /* null: self-signed */) {
  X509Ptr cert(X509_new());
  if (!cert) return SslError("X509_new");
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1) return SslError("X509_set_version");
  auto serial = HexToAsn1Integer(serial_hex);
  if (!serial.ok()) return serial.status();
  if (X509_set_serialNumber(cert.get(), serial->get()) != 1) {
    return SslError("X509_set_serialNumber");
  }
  const int64_t nb = Seconds(not_before_offset);
  const int64_t na = Seconds(not_before_offset + lifetime);
  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), static_cast<long>(nb)) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(na)) == nullptr) {
    return SslError("X509_gmtime_adj");
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (!common_name.empty() &&
      X509_NAME_add_entry_by_txt(
          name, "CN", MBSTRING_UTF8,
          reinterpret_cast<const unsigned char*>(common_name.c_str()),
          static_cast<int>(common_name.size()), -1, 0) != 1) {
    return SslError("X509_NAME_add_entry_by_txt(CN)");
  }
  X509_NAME* issuer_name = issuer ? X509_get_subject_name(issuer) : name;
  if (X509_set_issuer_name(cert.get(), issuer_name) != 1) {
    return SslError("X509_set_issuer_name");
  }
  if (X509_set_pubkey(cert.get(), subject_key) != 1) return SslError("X509_set_pubkey");
  return cert;
}

}  // namespace

struct TestCa::State {
  std::shared_ptr<EVP_PKEY> key;
  std::shared_ptr<X509> cert;
  std::string cert_pem;
  std::string key_pem;
  std::atomic<int64_t> next_crl_number{1};
};

TestCa::TestCa(std::shared_ptr<State> state) : state_(std::move(state)) {}

absl::StatusOr<TestCa> TestCa::Create(const std::string& common_name) {
  ERR_clear_error();
  auto key = NewEcKey();
  if (!key.ok()) return key.status();
  auto serial = RandomSerialHex();
  if (!serial.ok()) return serial.status();
  // Backdated a month so leaves issued with negative offsets (to test expiry)
  // still fall inside the CA's own validity.
  auto cert = NewCertSkeleton(common_name, *serial, -absl::Hours(24 * 30),
                              absl::Hours(24 * 365 * 10), key->get(), nullptr);
  if (!cert.ok()) return cert.status();
  X509* c = cert->get();
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, c, c, nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair<int, const char*>{NID_basic_constraints, "critical,CA:TRUE"},
                            {NID_key_usage, "critical,keyCertSign,cRLSign"},
                            {NID_subject_key_identifier, "hash"},
                            {NID_authority_key_identifier, "keyid:always"}}) {
    if (absl::Status s = AddConfExt(c, &ctx, nid, value); !s.ok()) return s;
  }
  if (X509_sign(c, key->get(), EVP_sha256()) == 0) return SslError("X509_sign(CA)");

  auto state = std::make_shared<State>();
  auto cert_pem = CertToPem(c);
  if (!cert_pem.ok()) return cert_pem.status();
  auto key_pem = KeyToPem(key->get());
  if (!key_pem.ok()) return key_pem.status();
  state->cert_pem = *std::move(cert_pem);
  state->key_pem = *std::move(key_pem);
  state->key = std::shared_ptr<EVP_PKEY>(key->release(), EVP_PKEY_free);
  state->cert = std::shared_ptr<X509>(cert->release(), X509_free);
  return TestCa(std::move(state));
}

const std::string& TestCa::cert_pem() const { return state_->cert_pem; }
const std::string& TestCa::key_pem() const { return state_->key_pem; }

absl::StatusOr<KeyCert> TestCa::Issue(const CertSpec& spec) {
  ERR_clear_error();
  if (spec.common_name.empty() && spec.dns_sans.empty() &&
      spec.ip_sans.empty() && spec.uri_sans.empty()) {
    return absl::InvalidArgumentError("certificate needs a CN or a SAN");
  }
  auto key = NewEcKey();
  if (!key.ok()) return key.status();
  auto serial = RandomSerialHex();
  if (!serial.ok()) return serial.status();
  auto cert = NewCertSkeleton(spec.common_name, *serial, spec.not_before_offset,
                              spec.lifetime, key->get(), state_->cert.get());
  if (!cert.ok()) return cert.status();
  X509* c = cert->get();
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, state_->cert.get(), c, nullptr, nullptr, 0);
  for (auto [nid, value] :
       {std::pair<int, const char*>{NID_basic_constraints, "critical,CA:FALSE"},
        {NID_key_usage, "critical,digitalSignature"},
        {NID_ext_key_usage, spec.server ? "serverAuth" : "clientAuth"},
        {NID_subject_key_identifier, "hash"},
        {NID_authority_key_identifier, "keyid:always"}}) {
    if (absl::Status s = AddConfExt(c, &ctx, nid, value); !s.ok()) return s;
  }
  if (absl::Status s = AddSans(c, spec); !s.ok()) return s;
  if (X509_sign(c, state_->key.get(), EVP_sha256()) == 0) return SslError("X509_sign");

  KeyCert out;
  auto cert_pem = CertToPem(c);
  if (!cert_pem.ok()) return cert_pem.status();
  auto key_pem = KeyToPem(key->get());
  if (!key_pem.ok()) return key_pem.status();
  out.cert_pem = *std::move(cert_pem);
  out.key_pem = *std::move(key_pem);
  out.serial_hex = *std::move(serial);
  return out;
}

absl::StatusOr<KeyCert> TestCa::IssueServer() {
  CertSpec spec;
  spec.common_name = "localhost";
  spec.dns_sans = {"localhost"};
  spec.ip_sans = {"127.0.0.1"};
  spec.server = true;
  return Issue(spec);
}

absl::StatusOr<KeyCert> TestCa::IssueAgency(const std::string& agency_id) {
  CertSpec spec;
  spec.common_name = agency_id;
  spec.uri_sans = {absl::StrCat("caselink://agency/", agency_id)};
  spec.server = false;
  return Issue(spec);
}

absl::StatusOr<std::string> TestCa::CrlPem(
    const std::vector<std::string>& revoked_serials_hex) const {
  return CrlPemAt(revoked_serials_hex, -absl::Hours(1), absl::Hours(24));
}

absl::StatusOr<std::string> TestCa::CrlPemAt(const std::vector<std::string>& revoked_serials_hex,
                                             absl::Duration last_update_offset,
                                             absl::Duration next_update_offset) const {
  ERR_clear_error();
  CrlPtr crl(X509_CRL_new());
  if (!crl) return SslError("X509_CRL_new");
  if (X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) != 1) {
    return SslError("X509_CRL_set_version");
  }
  if (X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(state_->cert.get())) != 1) {
    return SslError("X509_CRL_set_issuer_name");
  }
  const time_t now = time(nullptr);
  Asn1TimePtr last(ASN1_TIME_adj(nullptr, now, 0, static_cast<long>(absl::ToInt64Seconds(last_update_offset))));
  Asn1TimePtr next(ASN1_TIME_adj(nullptr, now, 0, static_cast<long>(absl::ToInt64Seconds(next_update_offset))));
  if (!last || !next || X509_CRL_set1_lastUpdate(crl.get(), last.get()) != 1 ||
      X509_CRL_set1_nextUpdate(crl.get(), next.get()) != 1) {
    return SslError("X509_CRL_set1_{last,next}Update");
  }
  for (const std::string& hex : revoked_serials_hex) {
    auto serial = HexToAsn1Integer(hex);
    if (!serial.ok()) return serial.status();
    RevokedPtr rev(X509_REVOKED_new());
    if (!rev || X509_REVOKED_set_serialNumber(rev.get(), serial->get()) != 1 ||
        X509_REVOKED_set_revocationDate(rev.get(), last.get()) != 1) {
      return SslError("X509_REVOKED");
    }
    if (X509_CRL_add0_revoked(crl.get(), rev.get()) != 1) {
      return SslError("X509_CRL_add0_revoked");
    }
    rev.release();
  }
  if (X509_CRL_sort(crl.get()) != 1) return SslError("X509_CRL_sort");

  Asn1IntPtr number(ASN1_INTEGER_new());
  if (!number || ASN1_INTEGER_set_int64(number.get(), state_->next_crl_number++) != 1 ||
      X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, 0) != 1) {
    return SslError("CRL number");
  }
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, state_->cert.get(), nullptr, nullptr, crl.get(), 0);
  ExtPtr aki(X509V3_EXT_nconf_nid(nullptr, &ctx, NID_authority_key_identifier,
                                  "keyid:always"));
  if (!aki || X509_CRL_add_ext(crl.get(), aki.get(), -1) != 1) {
    return SslError("CRL authorityKeyIdentifier");
  }
  if (X509_CRL_sign(crl.get(), state_->key.get(), EVP_sha256()) == 0) {
    return SslError("X509_CRL_sign");
  }
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509_CRL(bio.get(), crl.get()) != 1) {
    return SslError("PEM_write_bio_X509_CRL");
  }
  return BioToString(bio.get());
}

std::string TestCa::SubjectHashName() const {
  int ok = 0;
  const unsigned long h =
      X509_NAME_hash_ex(X509_get_subject_name(state_->cert.get()), nullptr, nullptr, &ok);
  // Only fails on allocation failure; an obviously-wrong name is more useful to
  // a test than an abort.
  if (!ok) {
    ERR_clear_error();
    return "hash-error";
  }
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%08lx", h & 0xffffffffUL);
  return buf;
}

absl::Status TestCa::WriteCrlToDir(const std::string& dir,
                                   const std::vector<std::string>& revoked,
                                   int suffix) const {
  auto pem = CrlPem(revoked);
  if (!pem.ok()) return pem.status();
  return WriteFile(absl::StrCat(dir, "/", SubjectHashName(), ".r", suffix), *pem);
}

}  // namespace caselink::testing
