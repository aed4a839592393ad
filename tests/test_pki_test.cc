// Checks the test PKI with OpenSSL's own verifier, so other tests can trust
// that "bad cert rejected" means the server rejected it, not that the PKI
// produced garbage.
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/temp_dir.h"
#include "support/test_pki.h"

namespace caselink::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

struct X509Free { void operator()(X509* p) const { X509_free(p); } };
struct CrlFree { void operator()(X509_CRL* p) const { X509_CRL_free(p); } };
struct StoreFree { void operator()(X509_STORE* p) const { X509_STORE_free(p); } };
struct CtxFree { void operator()(X509_STORE_CTX* p) const { X509_STORE_CTX_free(p); } };
struct PkeyFree { void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); } };
using X509Ptr = std::unique_ptr<X509, X509Free>;
using CrlPtr = std::unique_ptr<X509_CRL, CrlFree>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

X509Ptr ParseCert(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

CrlPtr ParseCrl(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  return CrlPtr(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
}

PkeyPtr ParseKey(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  return PkeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

struct VerifyOptions {
  std::vector<std::string> crl_pems;  // added to the store in memory
  std::string crl_dir;                // or looked up by hash name here
  bool crl_check = false;
  int purpose = 0;                    // X509_PURPOSE_SSL_CLIENT/SERVER, or 0
};

// Returns the X509_V_* result of verifying `leaf_pem` against `ca_pem` alone,
// or -1 if the harness itself failed (so that never passes as X509_V_OK).
int Verify(const std::string& ca_pem, const std::string& leaf_pem,
           const VerifyOptions& opts = {}) {
  X509Ptr ca = ParseCert(ca_pem);
  X509Ptr leaf = ParseCert(leaf_pem);
  if (!ca || !leaf) return -1;
  std::unique_ptr<X509_STORE, StoreFree> store(X509_STORE_new());
  if (!store || X509_STORE_add_cert(store.get(), ca.get()) != 1) return -1;
  for (const auto& pem : opts.crl_pems) {
    CrlPtr crl = ParseCrl(pem);
    if (!crl || X509_STORE_add_crl(store.get(), crl.get()) != 1) return -1;
  }
  if (!opts.crl_dir.empty()) {
    X509_LOOKUP* lookup = X509_STORE_add_lookup(store.get(), X509_LOOKUP_hash_dir());
    if (lookup == nullptr ||
        X509_LOOKUP_add_dir(lookup, opts.crl_dir.c_str(), X509_FILETYPE_PEM) != 1) {
      return -1;
    }
  }
  if (opts.crl_check) X509_STORE_set_flags(store.get(), X509_V_FLAG_CRL_CHECK);
  std::unique_ptr<X509_STORE_CTX, CtxFree> ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), nullptr) != 1) {
    return -1;
  }
  if (opts.purpose != 0 && X509_STORE_CTX_set_purpose(ctx.get(), opts.purpose) != 1) {
    return -1;
  }
  const int rc = X509_verify_cert(ctx.get());
  const int err = X509_STORE_CTX_get_error(ctx.get());
  ERR_clear_error();
  if (rc == 1) return err == X509_V_OK ? X509_V_OK : -1;
  return err == X509_V_OK ? -1 : err;
}

VerifyOptions Purpose(int purpose) {
  VerifyOptions o;
  o.purpose = purpose;
  return o;
}
VerifyOptions CrlCheck(std::vector<std::string> crl_pems) {
  VerifyOptions o;
  o.crl_pems = std::move(crl_pems);
  o.crl_check = true;
  return o;
}
VerifyOptions CrlDirCheck(const std::string& dir) {
  VerifyOptions o;
  o.crl_dir = dir;
  o.crl_check = true;
  return o;
}

std::string ErrName(int err) {
  return err < 0 ? "harness failure" : X509_verify_cert_error_string(err);
}

std::vector<std::string> UriSans(const std::string& cert_pem) {
  std::vector<std::string> out;
  X509Ptr cert = ParseCert(cert_pem);
  if (!cert) return out;
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
    if (gn->type == GEN_URI) {
      const ASN1_IA5STRING* s = gn->d.uniformResourceIdentifier;
      out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                       ASN1_STRING_length(s));
    }
  }
  GENERAL_NAMES_free(names);
  return out;
}

std::string SerialHexOf(const std::string& cert_pem) {
  X509Ptr cert = ParseCert(cert_pem);
  if (!cert) return "";
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert.get()), nullptr);
  char* hex = BN_bn2hex(bn);
  std::string out(hex);
  OPENSSL_free(hex);
  BN_free(bn);
  for (char& c : out) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  return out;
}

TestCa MakeCa(const std::string& cn) {
  auto ca = TestCa::Create(cn);
  // A failed Create is a harness bug; abort loudly instead of cascading.
  if (!ca.ok()) {
    ADD_FAILURE() << ca.status();
    std::abort();
  }
  return *std::move(ca);
}

TEST(TestPkiTest, CaCertIsACaAndMatchesItsKey) {
  TestCa ca = MakeCa("caselink test CA");
  X509Ptr cert = ParseCert(ca.cert_pem());
  PkeyPtr key = ParseKey(ca.key_pem());
  ASSERT_TRUE(cert && key);
  EXPECT_EQ(X509_check_ca(cert.get()), 1);
  EXPECT_EQ(X509_check_private_key(cert.get(), key.get()), 1);
  EXPECT_EQ(EVP_PKEY_get_base_id(key.get()), EVP_PKEY_EC);
  // Self-signed and self-verifying.
  EXPECT_EQ(Verify(ca.cert_pem(), ca.cert_pem()), X509_V_OK);
}

TEST(TestPkiTest, AgencyCertVerifiesAndCarriesUriSan) {
  TestCa ca = MakeCa("caselink test CA");
  auto agency = ca.IssueAgency("psb");
  ASSERT_TRUE(agency.ok()) << agency.status();
  const int err = Verify(ca.cert_pem(), agency->cert_pem,
                         Purpose(X509_PURPOSE_SSL_CLIENT));
  EXPECT_EQ(err, X509_V_OK) << ErrName(err);
  EXPECT_THAT(UriSans(agency->cert_pem), Contains("caselink://agency/psb"));
  // clientAuth only: it must not pass as a TLS server certificate.
  EXPECT_EQ(Verify(ca.cert_pem(), agency->cert_pem,
                   Purpose(X509_PURPOSE_SSL_SERVER)),
            X509_V_ERR_INVALID_PURPOSE);

  X509Ptr cert = ParseCert(agency->cert_pem);
  PkeyPtr key = ParseKey(agency->key_pem);
  ASSERT_TRUE(cert && key);
  EXPECT_EQ(X509_check_private_key(cert.get(), key.get()), 1);
  EXPECT_EQ(X509_check_ca(cert.get()), 0);
}

TEST(TestPkiTest, ServerCertVerifiesForLocalhost) {
  TestCa ca = MakeCa("caselink test CA");
  auto server = ca.IssueServer();
  ASSERT_TRUE(server.ok()) << server.status();
  const int err = Verify(ca.cert_pem(), server->cert_pem,
                         Purpose(X509_PURPOSE_SSL_SERVER));
  EXPECT_EQ(err, X509_V_OK) << ErrName(err);
  EXPECT_EQ(Verify(ca.cert_pem(), server->cert_pem,
                   Purpose(X509_PURPOSE_SSL_CLIENT)),
            X509_V_ERR_INVALID_PURPOSE);
  X509Ptr cert = ParseCert(server->cert_pem);
  ASSERT_TRUE(cert);
  EXPECT_EQ(X509_check_host(cert.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "127.0.0.1", 0), 1);
  EXPECT_NE(X509_check_host(cert.get(), "example.com", 0, 0, nullptr), 1);
}

TEST(TestPkiTest, CertFromAnotherCaDoesNotVerify) {
  // Same CN on purpose: rejection must come from keys, not from names.
  TestCa ca = MakeCa("caselink test CA");
  TestCa other = MakeCa("caselink test CA");
  auto foreign = other.IssueAgency("psb");
  ASSERT_TRUE(foreign.ok()) << foreign.status();
  const int err = Verify(ca.cert_pem(), foreign->cert_pem);
  EXPECT_NE(err, X509_V_OK);
  EXPECT_GT(err, 0) << "harness failure";
  // Sanity: the cert is fine against its own CA.
  EXPECT_EQ(Verify(other.cert_pem(), foreign->cert_pem), X509_V_OK);
}

TEST(TestPkiTest, ExpiredCertFailsWithCertHasExpired) {
  TestCa ca = MakeCa("caselink test CA");
  CertSpec spec;
  spec.common_name = "old";
  spec.uri_sans = {"caselink://agency/old"};
  spec.not_before_offset = -absl::Hours(48);
  spec.lifetime = absl::Hours(24);
  auto expired = ca.Issue(spec);
  ASSERT_TRUE(expired.ok()) << expired.status();
  const int err = Verify(ca.cert_pem(), expired->cert_pem);
  EXPECT_EQ(err, X509_V_ERR_CERT_HAS_EXPIRED) << ErrName(err);
}

TEST(TestPkiTest, FutureCertFailsWithNotYetValid) {
  TestCa ca = MakeCa("caselink test CA");
  CertSpec spec;
  spec.common_name = "future";
  spec.not_before_offset = absl::Hours(1);
  auto future = ca.Issue(spec);
  ASSERT_TRUE(future.ok()) << future.status();
  const int err = Verify(ca.cert_pem(), future->cert_pem);
  EXPECT_EQ(err, X509_V_ERR_CERT_NOT_YET_VALID) << ErrName(err);
}

TEST(TestPkiTest, CrlRevokesListedSerialOnly) {
  TestCa ca = MakeCa("caselink test CA");
  auto revoked = ca.IssueAgency("revoked");
  auto good = ca.IssueAgency("good");
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  ASSERT_TRUE(good.ok()) << good.status();
  auto crl = ca.CrlPem({revoked->serial_hex});
  ASSERT_TRUE(crl.ok()) << crl.status();

  const VerifyOptions with_crl = CrlCheck({*crl});
  int err = Verify(ca.cert_pem(), revoked->cert_pem, with_crl);
  EXPECT_EQ(err, X509_V_ERR_CERT_REVOKED) << ErrName(err);
  err = Verify(ca.cert_pem(), good->cert_pem, with_crl);
  EXPECT_EQ(err, X509_V_OK) << ErrName(err);

  // Proves the CRL check is really on: without a CRL it cannot pass.
  EXPECT_EQ(Verify(ca.cert_pem(), good->cert_pem, CrlCheck({})),
            X509_V_ERR_UNABLE_TO_GET_CRL);
}

TEST(TestPkiTest, EmptyCrlRevokesNothing) {
  TestCa ca = MakeCa("caselink test CA");
  auto leaf = ca.IssueAgency("psb");
  ASSERT_TRUE(leaf.ok()) << leaf.status();
  auto crl = ca.CrlPem({});
  ASSERT_TRUE(crl.ok()) << crl.status();
  const int err = Verify(ca.cert_pem(), leaf->cert_pem,
                         CrlCheck({*crl}));
  EXPECT_EQ(err, X509_V_OK) << ErrName(err);
}

TEST(TestPkiTest, CrlHasV2NumberAndAkiAndIsSignedByCa) {
  TestCa ca = MakeCa("caselink test CA");
  auto pem1 = ca.CrlPem({});
  auto pem2 = ca.CrlPem({});
  ASSERT_TRUE(pem1.ok() && pem2.ok());
  CrlPtr crl1 = ParseCrl(*pem1);
  CrlPtr crl2 = ParseCrl(*pem2);
  X509Ptr ca_cert = ParseCert(ca.cert_pem());
  ASSERT_TRUE(crl1 && crl2 && ca_cert);
  EXPECT_EQ(X509_CRL_get_version(crl1.get()), X509_CRL_VERSION_2);
  EXPECT_EQ(X509_CRL_verify(crl1.get(), X509_get0_pubkey(ca_cert.get())), 1);
  EXPECT_NE(X509_CRL_get_ext_by_NID(crl1.get(), NID_authority_key_identifier, -1), -1);
  auto* n1 = static_cast<ASN1_INTEGER*>(
      X509_CRL_get_ext_d2i(crl1.get(), NID_crl_number, nullptr, nullptr));
  auto* n2 = static_cast<ASN1_INTEGER*>(
      X509_CRL_get_ext_d2i(crl2.get(), NID_crl_number, nullptr, nullptr));
  ASSERT_TRUE(n1 != nullptr && n2 != nullptr);
  EXPECT_LT(ASN1_INTEGER_cmp(n1, n2), 0) << "CRL numbers must increase";
  ASN1_INTEGER_free(n1);
  ASN1_INTEGER_free(n2);
}

TEST(TestPkiTest, CrlRejectsNonHexSerial) {
  TestCa ca = MakeCa("caselink test CA");
  EXPECT_FALSE(ca.CrlPem({"not-hex"}).ok());
  EXPECT_FALSE(ca.CrlPem({""}).ok());
}

TEST(TestPkiTest, SubjectHashNameMatchesOpenSsl) {
  TestCa ca = MakeCa("caselink test CA");
  X509Ptr cert = ParseCert(ca.cert_pem());
  ASSERT_TRUE(cert);
  int ok = 0;
  const unsigned long h =
      X509_NAME_hash_ex(X509_get_subject_name(cert.get()), nullptr, nullptr, &ok);
  ASSERT_EQ(ok, 1);
  char want[16];
  std::snprintf(want, sizeof(want), "%08lx", h);
  EXPECT_EQ(ca.SubjectHashName(), want);
  EXPECT_THAT(ca.SubjectHashName(), MatchesRegex("[0-9a-f]{8}"));
  // A different subject must give a different name (guards a constant).
  EXPECT_NE(MakeCa("another CA").SubjectHashName(), ca.SubjectHashName());
}

TEST(TestPkiTest, CrlDirIsFoundByOpenSslHashLookup) {
  TestCa ca = MakeCa("caselink test CA");
  auto revoked = ca.IssueAgency("revoked");
  auto good = ca.IssueAgency("good");
  ASSERT_TRUE(revoked.ok() && good.ok());
  TempDir dir;
  ASSERT_TRUE(ca.WriteCrlToDir(dir.path(), {revoked->serial_hex}).ok());
  auto on_disk = ReadFile(dir.Join(ca.SubjectHashName() + ".r0"));
  ASSERT_TRUE(on_disk.ok()) << on_disk.status();
  EXPECT_THAT(*on_disk, HasSubstr("BEGIN X509 CRL"));

  const VerifyOptions opts = CrlDirCheck(dir.path());
  int err = Verify(ca.cert_pem(), revoked->cert_pem, opts);
  EXPECT_EQ(err, X509_V_ERR_CERT_REVOKED) << ErrName(err);
  err = Verify(ca.cert_pem(), good->cert_pem, opts);
  EXPECT_EQ(err, X509_V_OK) << ErrName(err);
}

TEST(TestPkiTest, SerialsAreUniqueAndMatchTheCertificate) {
  TestCa ca = MakeCa("caselink test CA");
  auto a = ca.IssueAgency("psb");
  auto b = ca.IssueAgency("psb");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->serial_hex, b->serial_hex);
  EXPECT_EQ(SerialHexOf(a->cert_pem), a->serial_hex);
  EXPECT_EQ(SerialHexOf(b->cert_pem), b->serial_hex);
  EXPECT_THAT(a->serial_hex, MatchesRegex("[0-9a-f]+"));
}

TEST(TestPkiTest, CopiedCaIssuesCertsThatChainToTheOriginal) {
  TestCa ca = MakeCa("caselink test CA");
  TestCa copy = ca;
  auto leaf = copy.IssueServer();
  ASSERT_TRUE(leaf.ok()) << leaf.status();
  EXPECT_EQ(copy.cert_pem(), ca.cert_pem());
  EXPECT_EQ(Verify(ca.cert_pem(), leaf->cert_pem), X509_V_OK);
}

TEST(TestPkiTest, IssueRejectsBadInput) {
  TestCa ca = MakeCa("caselink test CA");
  CertSpec bad_ip;
  bad_ip.common_name = "x";
  bad_ip.ip_sans = {"not-an-ip"};
  EXPECT_FALSE(ca.Issue(bad_ip).ok());
  EXPECT_FALSE(ca.Issue(CertSpec{}).ok());
}

TEST(TempDirTest, WriteReadAndCleanup) {
  std::string path;
  {
    TempDir dir;
    path = dir.path();
    ASSERT_TRUE(WriteFile(dir.Join("a.txt"), "hello").ok());
    std::string binary("a\0b", 3);
    ASSERT_TRUE(WriteFile(dir.Join("b.bin"), binary).ok());
    auto got = ReadFile(dir.Join("b.bin"));
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(*got, binary);
    EXPECT_EQ(ReadFile(dir.Join("missing")).status().code(),
              absl::StatusCode::kNotFound);
    TempDir other;
    EXPECT_NE(other.path(), dir.path());
  }
  EXPECT_FALSE(ReadFile(path + "/b.bin").ok());
  EXPECT_FALSE(std::filesystem::exists(path)) << path;
}

}  // namespace
}  // namespace caselink::testing
