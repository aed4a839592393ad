// Units of issue 13 items 10 and 11: auth::RevocationSnapshot (which CRL is a
// CA's, its states against the grace, revoked serials through the chain),
// Authorizer::Authenticate refusing a certificate of two agencies, and
// server::ResolveBackupDirectory's rules.
#include <filesystem>

#include "auth/authorizer.h"
#include "auth/policy_loader.h"
#include "auth/revocation.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/admin/backup_path.h"
#include "support/temp_dir.h"
#include "support/test_district.h"
#include "support/test_pki.h"

namespace caselink::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const absl::Duration kGrace = absl::Hours(168);

class SnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ca = TestCa::Create("unit CA");
    ASSERT_TRUE(ca.ok());
    ca_ = std::make_unique<TestCa>(*ca);
    fs::create_directories(dir_.Join("crl"));
    ASSERT_TRUE(WriteFile(dir_.Join("ca.pem"), ca_->cert_pem()).ok());
    auto leaf = ca_->IssueAgency("psb");
    ASSERT_TRUE(leaf.ok());
    leaf_ = *leaf;
  }

  std::shared_ptr<const auth::RevocationSnapshot> Load() {
    auto s = auth::RevocationSnapshot::Load(dir_.Join("ca.pem"), dir_.Join("crl"));
    EXPECT_TRUE(s.ok()) << s.status();
    return *s;
  }

  auth::RevocationVerdict::Kind Verdict(absl::Time now = absl::Now()) {
    auto ref = auth::CertRefFromPem(leaf_.cert_pem);
    EXPECT_TRUE(ref.ok());
    return Load()->Check(*ref, now, kGrace).kind;
  }

  void WriteCrl(const std::string& name, absl::Duration last, absl::Duration next,
                std::vector<std::string> revoked = {}) {
    auto pem = ca_->CrlPemAt(revoked, last, next);
    ASSERT_TRUE(pem.ok());
    ASSERT_TRUE(WriteFile(dir_.Join("crl/" + name), *pem).ok());
  }

  TempDir dir_;
  std::unique_ptr<TestCa> ca_;
  KeyCert leaf_;
};

TEST_F(SnapshotTest, NoCrlRefusesAndIsNamedByProblems) {
  EXPECT_EQ(Verdict(), auth::RevocationVerdict::kCrlMissing);
  auto problems = Load()->Problems(absl::Now(), kGrace);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0], HasSubstr("no CRL issued by client CA \"CN=unit CA\""));
}

// A file of the CRL directory that is not a CRL is named, not silently
// ignored (the watch logs it): an operator who copied a CA certificate or a
// truncated download there must learn that it revokes nothing.
TEST_F(SnapshotTest, AFileThatIsNoCrlIsNamedAsSkipped) {
  WriteCrl("good.pem", -absl::Hours(1), absl::Hours(24));
  ASSERT_TRUE(WriteFile(dir_.Join("crl/truncated.crl"), "-----BEGIN X509 CRL-----\nAAAA\n").ok());
  ASSERT_TRUE(WriteFile(dir_.Join("crl/.tmp-revoke"), "partial").ok());  // revoke's own temporary file
  auto s = Load();
  ASSERT_EQ(s->skipped().size(), 1u);
  EXPECT_THAT(s->skipped()[0], HasSubstr("truncated.crl: not a CRL"));
  EXPECT_EQ(Verdict(), auth::RevocationVerdict::kOk) << "the good CRL still counts";
}

TEST_F(SnapshotTest, CurrentCrlAcceptsAndRevokedSerialIsRefused) {
  WriteCrl("any-name.pem", -absl::Hours(1), absl::Hours(24));
  EXPECT_EQ(Verdict(), auth::RevocationVerdict::kOk);
  EXPECT_TRUE(Load()->Problems(absl::Now(), kGrace).empty());
  // The newest lastUpdate wins, whatever the file names.
  WriteCrl("a-older.pem", -absl::Hours(5), absl::Hours(24), {leaf_.serial_hex});
  EXPECT_EQ(Verdict(), auth::RevocationVerdict::kOk);
  WriteCrl("0-newer.pem", -absl::Minutes(10), absl::Hours(24), {leaf_.serial_hex});
  EXPECT_EQ(Verdict(), auth::RevocationVerdict::kRevoked);
}

TEST_F(SnapshotTest, StaleCrlWithinGraceAcceptsBeyondRefuses) {
  WriteCrl("crl.pem", -absl::Hours(2), -absl::Hours(1));
  auto s = Load();
  ASSERT_EQ(s->cas().size(), 1u);
  const absl::Time now = absl::Now();
  EXPECT_EQ(auth::RevocationSnapshot::State(s->cas()[0], now, kGrace), auth::CrlState::kStaleInGrace);
  EXPECT_EQ(Verdict(now), auth::RevocationVerdict::kOk);
  EXPECT_EQ(Verdict(now + kGrace), auth::RevocationVerdict::kCrlStale);
  EXPECT_EQ(auth::RevocationSnapshot::State(s->cas()[0], now + kGrace, kGrace), auth::CrlState::kStaleBeyondGrace);
  EXPECT_EQ(s->Problems(now + kGrace, kGrace).size(), 1u);
  // A stale CRL within the grace still revokes what it lists.
  WriteCrl("crl2.pem", -absl::Minutes(90), -absl::Hours(1), {leaf_.serial_hex});
  EXPECT_EQ(Verdict(now), auth::RevocationVerdict::kRevoked);
}

TEST_F(SnapshotTest, CrlOfAnotherKeyUnderTheSameNameIsIgnored) {
  auto impostor = TestCa::Create("unit CA");
  ASSERT_TRUE(impostor.ok());
  auto pem = impostor->CrlPem({});
  ASSERT_TRUE(pem.ok());
  ASSERT_TRUE(WriteFile(dir_.Join("crl/x.r0"), *pem).ok());
  EXPECT_EQ(Verdict(), auth::RevocationVerdict::kCrlMissing);
  EXPECT_EQ(Load()->cas()[0].unverified_crls, 1);
}

TEST_F(SnapshotTest, CertificateOfAnUnknownIssuerIsRefused) {
  WriteCrl("crl.pem", -absl::Hours(1), absl::Hours(24));
  auto other = TestCa::Create("other CA");
  ASSERT_TRUE(other.ok());
  auto leaf = other->IssueAgency("psb");
  ASSERT_TRUE(leaf.ok());
  auto ref = auth::CertRefFromPem(leaf->cert_pem);
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(Load()->Check(*ref, absl::Now(), kGrace).kind, auth::RevocationVerdict::kUnknownIssuer);
}

TEST(AuthenticateTest, CertificateMatchingTwoAgenciesIsRefused) {
  auto policy = auth::ParsePolicy(TestDistrict::ExamplePolicyText(), "example");
  ASSERT_TRUE(policy.ok()) << policy.status();
  auto authz = auth::Authorizer::Create(*policy);
  ASSERT_TRUE(authz.ok());
  auth::PeerIdentity one;
  one.uri_sans = {"caselink://agency/psb", "caselink://agency/other-unknown"};
  auto p = (*authz)->Authenticate(one);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->agency_id, "psb");
  auth::PeerIdentity two;
  two.uri_sans = {"caselink://agency/psb", "caselink://agency/justice"};
  auto refused = (*authz)->Authenticate(two);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("matches two agencies"));
  // The same agency twice is not ambiguous.
  auth::PeerIdentity same;
  same.uri_sans = {"caselink://agency/psb", "caselink://agency/psb"};
  EXPECT_TRUE((*authz)->Authenticate(same).ok());
}

TEST(BackupPathTest, Rules) {
  TempDir dir;
  fs::create_directories(dir.Join("b"));
  const std::string base = fs::canonical(dir.Join("b")).string();
  EXPECT_EQ(server::ResolveBackupDirectory("", "x").status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(server::ResolveBackupDirectory(dir.Join("b"), "").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(server::ResolveBackupDirectory(dir.Join("b"), "x/../y").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(server::ResolveBackupDirectory(dir.Join("b"), "/etc").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(server::ResolveBackupDirectory(dir.Join("b"), dir.Join("b2")).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(*server::ResolveBackupDirectory(dir.Join("b"), "x/y"), base + "/x/y");
  EXPECT_EQ(*server::ResolveBackupDirectory(dir.Join("b"), dir.Join("b") + "/x"), base + "/x");
  EXPECT_EQ(*server::ResolveBackupDirectory(dir.Join("b") + "/", "./x"), base + "/x");
}

}  // namespace
}  // namespace caselink::testing
