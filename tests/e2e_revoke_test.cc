// Revoking an agency with no downtime, the documented way
// (docs/operations.md): while the server certificate is renewed, the CA's new
// CRL is installed with the real `caselink-admin revoke` (next free suffix,
// so the running server reads it), and the agency's identity is removed from
// the policy and reloaded. The
// revoked agency is refused; another agency's calls never fail meanwhile.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/daemon.h"
#include "support/test_district.h"

namespace caselink::testing {
namespace {

class RevokeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = TestDistrict::Start();
    ASSERT_TRUE(d.ok()) << d.status();
    district_ = std::move(*d);
  }

  std::unique_ptr<Client> Fresh(const std::string& agency) {
    auto kc = district_->AgencyCert(agency);
    EXPECT_TRUE(kc.ok());
    return std::move(district_->ClientWith(*kc, absl::Seconds(3))).value();
  }

  static absl::StatusCode List(Client& c) {
    v1::ListCasesRequest req;
    req.set_purpose("revocation test");
    return c.ListCases(req).status().code();
  }

  // Polls (the server re-reads its files once a second in tests).
  absl::StatusCode WaitFor(const std::string& agency, absl::StatusCode want) {
    absl::StatusCode got = absl::StatusCode::kUnknown;
    for (int i = 0; i < 40 && got != want; ++i) {
      got = List(*Fresh(agency));
      if (got != want) absl::SleepFor(absl::Milliseconds(250));
    }
    return got;
  }

  std::string Admin(const std::vector<std::string>& args, int* rc) {
    std::string out;
    *rc = Daemon::RunToCompletion(CASELINK_ADMIN_PATH, args, &out);
    return out;
  }

  std::unique_ptr<TestDistrict> district_;
};

TEST_F(RevokeTest, RevokedAgencyIsRefusedWhileOthersKeepWorkingThroughCertRotation) {
  Client& market_before = district_->As("market");
  ASSERT_EQ(List(market_before), absl::StatusCode::kOk);
  ASSERT_EQ(List(district_->As("psb")), absl::StatusCode::kOk);

  // Another agency works throughout; none of its calls may fail.
  std::atomic<bool> stop{false};
  std::atomic<int> psb_ok{0}, psb_failed{0};
  std::thread psb([&] {
    Client& c = district_->As("psb");
    while (!stop) {
      (List(c) == absl::StatusCode::kOk ? psb_ok : psb_failed)++;
      absl::SleepFor(absl::Milliseconds(10));
    }
  });

  // 1. The server certificate is renewed (key first, then certificate).
  auto renewed = district_->ca().IssueServer();
  ASSERT_TRUE(renewed.ok());
  const std::string dir = district_->dir();
  ASSERT_TRUE(WriteFile(dir + "/server.key.tmp", renewed->key_pem).ok());
  ASSERT_TRUE(WriteFile(dir + "/server.pem.tmp", renewed->cert_pem).ok());
  std::filesystem::rename(dir + "/server.key.tmp", dir + "/server.key");
  std::filesystem::rename(dir + "/server.pem.tmp", dir + "/server.pem");

  // 2. The CA revokes market's certificate; the operator installs its CRL.
  // (lastUpdate has one-second resolution and the district's first CRL was
  // made at start: the new one must be later to win.)
  absl::SleepFor(absl::Milliseconds(1100));
  auto market = district_->AgencyCert("market");
  ASSERT_TRUE(market.ok());
  auto crl = district_->ca().CrlPem({market->serial_hex});
  ASSERT_TRUE(crl.ok());
  ASSERT_TRUE(WriteFile(dir + "/new-crl.pem", *crl).ok());
  ASSERT_TRUE(WriteFile(dir + "/market.pem", market->cert_pem).ok());
  int rc = 0;
  std::string out = Admin({"revoke", "--crl", dir + "/new-crl.pem", "--crl-dir", district_->crl_dir(),
                         "--client-ca", dir + "/ca.pem", "--cert", dir + "/market.pem"},
                        &rc);
  ASSERT_EQ(rc, 0) << out;
  const std::string installed = absl::StrCat(district_->crl_dir(), "/", district_->ca().SubjectHashName(), ".r1");
  EXPECT_THAT(out, ::testing::HasSubstr(installed));
  EXPECT_TRUE(std::filesystem::exists(installed));
  EXPECT_EQ(WaitFor("market", absl::StatusCode::kUnavailable), absl::StatusCode::kUnavailable);

  // 3. The connection market opened before is refused by the CRL as well
  // (e2e_revocation_test.cc); a reload removing its identity refuses it
  // whatever the CRL says.
  std::string policy;
  {
    std::ifstream in(district_->policy_path());
    std::stringstream ss;
    ss << in.rdbuf();
    policy = ss.str();
  }
  std::string without_market;
  for (absl::string_view line : absl::StrSplit(policy, '\n')) {
    if (!absl::StrContains(line, "id: \"market\"")) absl::StrAppend(&without_market, line, "\n");
  }
  ASSERT_NE(without_market.size(), policy.size() + 1);
  ASSERT_TRUE(WriteFile(district_->policy_path(), without_market).ok());
  ASSERT_TRUE(district_->server().ReloadPolicy().ok());
  EXPECT_EQ(List(market_before), absl::StatusCode::kPermissionDenied);

  // Others: new connections (renewed server certificate) and the old one.
  EXPECT_EQ(List(*Fresh("procuratorate")), absl::StatusCode::kOk);
  stop = true;
  psb.join();
  EXPECT_GT(psb_ok.load(), 10);
  EXPECT_EQ(psb_failed.load(), 0);
}

TEST_F(RevokeTest, RevokeRefusesACrlThatDoesNotRevokeTheCertificateOrIsForeign) {
  auto market = district_->AgencyCert("market");
  ASSERT_TRUE(market.ok());
  const std::string dir = district_->dir();
  ASSERT_TRUE(WriteFile(dir + "/market.pem", market->cert_pem).ok());
  auto empty = district_->ca().CrlPem({});
  ASSERT_TRUE(empty.ok());
  ASSERT_TRUE(WriteFile(dir + "/empty-crl.pem", *empty).ok());
  int rc = 0;
  // The CRL installed at start, again: not newer, so refused (the server
  // would keep using the installed one).
  const std::string installed = absl::StrCat(district_->crl_dir(), "/", district_->ca().SubjectHashName(), ".r0");
  std::string out = Admin({"revoke", "--crl", installed, "--crl-dir", district_->crl_dir()}, &rc);
  EXPECT_EQ(rc, 2) << out;
  EXPECT_THAT(out, ::testing::HasSubstr("not newer"));
  out = Admin({"revoke", "--crl", dir + "/empty-crl.pem", "--crl-dir", district_->crl_dir(),
                         "--cert", dir + "/market.pem"},
                        &rc);
  EXPECT_EQ(rc, 2) << out;
  EXPECT_THAT(out, ::testing::HasSubstr("does not revoke"));

  auto foreign = TestCa::Create("foreign CA");
  ASSERT_TRUE(foreign.ok());
  auto foreign_crl = foreign->CrlPem({});
  ASSERT_TRUE(WriteFile(dir + "/foreign-crl.pem", *foreign_crl).ok());
  out = Admin({"revoke", "--crl", dir + "/foreign-crl.pem", "--crl-dir", district_->crl_dir(),
             "--client-ca", dir + "/ca.pem"},
            &rc);
  EXPECT_EQ(rc, 2) << out;
  EXPECT_THAT(out, ::testing::HasSubstr("not signed by any CA"));
  // Nothing was installed.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(district_->crl_dir())) files += e.is_regular_file();
  EXPECT_EQ(files, 1);
}

}  // namespace
}  // namespace caselink::testing
