// Certificates change without a restart: the server re-reads its own
// certificate and key and the agencies' CA bundle when the files change
// (gRPC's FileWatcherCertificateProvider; tls.refresh_interval_seconds is 1
// in tests), while clients already connected keep working.
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "support/test_district.h"

namespace caselink::testing {
namespace {

class CertRotationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = TestDistrict::Start();
    ASSERT_TRUE(d.ok()) << d.status();
    district_ = std::move(*d);
  }

  std::unique_ptr<Client> ClientTrusting(const std::string& server_ca, const KeyCert& kc) {
    ClientOptions o;
    o.target = district_->target();
    o.ca_pem = server_ca;
    o.cert_pem = kc.cert_pem;
    o.key_pem = kc.key_pem;
    o.server_name_override = "localhost";
    o.deadline = absl::Seconds(3);
    o.max_attempts = 1;
    return std::move(Client::Connect(o)).value();
  }

  // Polls until `client` gets `want` for a trivial call (the watcher re-reads
  // files once a second).
  absl::StatusCode WaitFor(Client& client, absl::StatusCode want) {
    absl::StatusCode got = absl::StatusCode::kUnknown;
    for (int i = 0; i < 40; ++i) {
      v1::ListCasesRequest req;
      req.set_purpose("rotation test");
      got = client.ListCases(req).status().code();
      if (got == want) break;
      absl::SleepFor(absl::Milliseconds(250));
    }
    return got;
  }

  std::unique_ptr<TestDistrict> district_;
};

TEST_F(CertRotationTest, NewAgencyCaIsAcceptedWithoutRestart) {
  auto ca2 = TestCa::Create("second agency CA");
  ASSERT_TRUE(ca2.ok());
  auto hrss = ca2->IssueAgency("hrss");
  ASSERT_TRUE(hrss.ok());
  auto newcomer = ClientTrusting(district_->ca().cert_pem(), *hrss);
  EXPECT_EQ(WaitFor(*newcomer, absl::StatusCode::kUnavailable), absl::StatusCode::kUnavailable);

  Client& old = district_->As("market");
  ASSERT_TRUE(old.SubmitCase(SampleCase()).ok());
  // The bundle gains the second CA (and its CRL, since CRLs are checked).
  ASSERT_TRUE(ca2->WriteCrlToDir(district_->crl_dir(), {}, 0).ok());
  ASSERT_TRUE(WriteFile(district_->dir() + "/ca.pem.tmp", district_->ca().cert_pem() + ca2->cert_pem()).ok());
  ASSERT_EQ(std::rename((district_->dir() + "/ca.pem.tmp").c_str(), (district_->dir() + "/ca.pem").c_str()), 0);
  auto again = ClientTrusting(district_->ca().cert_pem(), *hrss);
  EXPECT_EQ(WaitFor(*again, absl::StatusCode::kOk), absl::StatusCode::kOk);
  // The old agencies were never interrupted.
  EXPECT_TRUE(old.SubmitCase(SampleCase()).ok());
}

TEST_F(CertRotationTest, ServerCertificateIsRenewedWithoutRestart) {
  // The new server certificate comes from a new CA, so a client trusting
  // only that CA tells which certificate the server presents.
  auto server_ca2 = TestCa::Create("renewed server CA");
  ASSERT_TRUE(server_ca2.ok());
  auto renewed = server_ca2->IssueServer();
  ASSERT_TRUE(renewed.ok());
  auto kc = district_->AgencyCert("psb");
  ASSERT_TRUE(kc.ok());
  auto checks_new = ClientTrusting(server_ca2->cert_pem(), *kc);
  EXPECT_EQ(WaitFor(*checks_new, absl::StatusCode::kUnavailable), absl::StatusCode::kUnavailable);

  Client& old = district_->As("market");
  ASSERT_TRUE(old.SubmitCase(SampleCase()).ok());
  // Key first, then certificate, each by rename: the watcher never reads a
  // half-written file, and keeps the old pair until the two match.
  ASSERT_TRUE(WriteFile(district_->dir() + "/server.key.tmp", renewed->key_pem).ok());
  ASSERT_TRUE(WriteFile(district_->dir() + "/server.pem.tmp", renewed->cert_pem).ok());
  ASSERT_EQ(std::rename((district_->dir() + "/server.key.tmp").c_str(), (district_->dir() + "/server.key").c_str()), 0);
  ASSERT_EQ(std::rename((district_->dir() + "/server.pem.tmp").c_str(), (district_->dir() + "/server.pem").c_str()), 0);
  auto checks_new_again = ClientTrusting(server_ca2->cert_pem(), *kc);
  EXPECT_EQ(WaitFor(*checks_new_again, absl::StatusCode::kOk), absl::StatusCode::kOk);
  // A connection made before the renewal keeps working.
  EXPECT_TRUE(old.SubmitCase(SampleCase()).ok());
}

}  // namespace
}  // namespace caselink::testing
