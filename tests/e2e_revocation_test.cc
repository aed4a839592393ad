// Revocation fails closed (docs/operations.md, "Revocation fails closed"):
// through the real server, its real start and `caselinkd --check-config`,
// with CRLs made by the test CA.
//   - a client CA without a CRL (or with one whose signature does not verify)
//     refuses the start, and --check-config names the CA by subject;
//   - a CRL past nextUpdate within the grace: clients served, gauge raised;
//     beyond the grace: that CA's clients get UNAUTHENTICATED naming the CRL,
//     open connections included, until a current CRL is installed;
//   - a CRL removed while running refuses the CA's clients;
//   - a newly revoked certificate is refused on the connection it already has,
//     and a new connection with it at the handshake, which is on the access log
//     (caselinkd/TlsHandshake, its fingerprint, UNAUTHENTICATED) and counted;
//   - a certificate naming two agencies is refused.
#include <httplib.h>

#include <filesystem>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "auth/peer_identity.h"
#include "storage/database.h"
#include "support/daemon.h"
#include "support/raw_db.h"
#include "support/test_district.h"

namespace caselink::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr char kCaSubject[] = "CN=caselink test district CA";

class RevocationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = TestDistrict::Start();
    ASSERT_TRUE(d.ok()) << d.status();
    district_ = std::move(*d);
  }

  std::string CrlPath(int suffix = 0) {
    return absl::StrCat(district_->crl_dir(), "/", district_->ca().SubjectHashName(), ".r", suffix);
  }

  std::unique_ptr<Client> Fresh(const std::string& agency) {
    auto kc = district_->AgencyCert(agency);
    EXPECT_TRUE(kc.ok());
    return std::move(district_->ClientWith(*kc, absl::Seconds(3))).value();
  }

  static absl::Status List(Client& c) {
    v1::ListCasesRequest req;
    req.set_purpose("revocation test");
    return c.ListCases(req).status();
  }

  // Polls `c` (the server re-reads its CRLs once a second in tests).
  static absl::Status WaitFor(Client& c, absl::StatusCode want) {
    absl::Status got = List(c);
    for (int i = 0; i < 40 && got.code() != want; ++i) {
      absl::SleepFor(absl::Milliseconds(250));
      got = List(c);
    }
    return got;
  }

  // The value of the gauge `name` for the district CA, -1 if absent.
  double Gauge(const std::string& name) {
    httplib::Client http("127.0.0.1", district_->server().admin_port());
    auto res = http.Get("/metrics");
    if (!res || res->status != 200) return -1;
    std::istringstream in(res->body);
    const std::string series = absl::StrCat(name, "{ca=\"", kCaSubject, "\"} ");
    for (std::string line; std::getline(in, line);) {
      if (absl::StartsWith(line, series)) return std::stod(line.substr(series.size()));
    }
    return -1;
  }

  double WaitForGauge(const std::string& name, double want) {
    double got = Gauge(name);
    for (int i = 0; i < 40 && got != want; ++i) {
      absl::SleepFor(absl::Milliseconds(250));
      got = Gauge(name);
    }
    return got;
  }

  // The value of the metric series `series` (name and labels, as exposed),
  // -1 if absent.
  double Metric(const std::string& series) {
    httplib::Client http("127.0.0.1", district_->server().admin_port());
    auto res = http.Get("/metrics");
    if (!res || res->status != 200) return -1;
    std::istringstream in(res->body);
    for (std::string line; std::getline(in, line);) {
      if (absl::StartsWith(line, series + " ")) return std::stod(line.substr(series.size() + 1));
    }
    return -1;
  }

  // The access-log entries of `method`, read beside the running server.
  std::vector<v1::AuditEntry> EntriesOf(const std::string& method) {
    std::vector<v1::AuditEntry> out;
    auto db = storage::Database::OpenReadOnly(district_->db_path());
    EXPECT_TRUE(db.ok()) << db.status();
    if (!db.ok()) return out;
    std::unique_ptr<rocksdb::Iterator> it(
        storage::RawDb(*db)->NewIterator(rocksdb::ReadOptions(), (*db)->cf(storage::Table::kAuditLog)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      v1::AuditEntry e;
      EXPECT_TRUE(e.ParseFromString(it->value().ToString()));
      if (e.method() == method) out.push_back(std::move(e));
    }
    return out;
  }

  // Replaces the district CA's CRL by one with these times.
  void InstallCrl(absl::Duration last, absl::Duration next, std::vector<std::string> revoked = {}) {
    auto pem = district_->ca().CrlPemAt(revoked, last, next);
    ASSERT_TRUE(pem.ok()) << pem.status();
    ASSERT_TRUE(WriteFile(CrlPath() + ".tmp", *pem).ok());
    fs::rename(CrlPath() + ".tmp", CrlPath());
  }

  std::unique_ptr<TestDistrict> district_;
};

TEST_F(RevocationTest, StartIsRefusedWhenAClientCaHasNoCrlAndCheckConfigNamesIt) {
  auto second = TestCa::Create("second agency CA");
  ASSERT_TRUE(second.ok());
  district_->Stop();
  const std::string bundle = district_->dir() + "/ca.pem";
  ASSERT_TRUE(WriteFile(bundle, district_->ca().cert_pem() + second->cert_pem()).ok());

  absl::Status start = district_->Restart();
  ASSERT_FALSE(start.ok());
  EXPECT_THAT(std::string(start.message()), HasSubstr("no CRL issued by client CA \"CN=second agency CA\""));
  EXPECT_THAT(std::string(start.message()), ::testing::Not(HasSubstr(kCaSubject)));

  std::string out;
  EXPECT_NE(Daemon::RunToCompletion(CASELINKD_PATH, {"--check-config", district_->config_path()}, &out), 0);
  EXPECT_THAT(out, HasSubstr("CN=second agency CA"));

  // With its CRL the same configuration starts and serves.
  ASSERT_TRUE(second->WriteCrlToDir(district_->crl_dir(), {}, 0).ok());
  ASSERT_TRUE(district_->Restart().ok());
  EXPECT_TRUE(List(district_->As("market")).ok());
  EXPECT_EQ(Daemon::RunToCompletion(CASELINKD_PATH, {"--check-config", district_->config_path()}, &out), 0) << out;
}

TEST_F(RevocationTest, ACrlWhoseSignatureDoesNotVerifyDoesNotCount) {
  // Another key under the district CA's very name: its CRL names the right
  // issuer, but only a signature by the CA's key makes it the CA's CRL.
  auto impostor = TestCa::Create("caselink test district CA");
  ASSERT_TRUE(impostor.ok());
  district_->Stop();
  fs::remove(CrlPath());
  ASSERT_TRUE(impostor->WriteCrlToDir(district_->crl_dir(), {}, 0).ok());
  absl::Status start = district_->Restart();
  ASSERT_FALSE(start.ok());
  EXPECT_THAT(std::string(start.message()), HasSubstr(absl::StrCat("no CRL issued by client CA \"", kCaSubject)));
  EXPECT_THAT(std::string(start.message()), HasSubstr("signature does not verify"));
}

TEST_F(RevocationTest, StaleCrlWithinTheGraceServesAndRaisesTheWarningGauge) {
  Client& market = district_->As("market");
  ASSERT_TRUE(List(market).ok());
  EXPECT_EQ(Gauge("caselink_crl_stale"), 0);
  EXPECT_EQ(Gauge("caselink_crl_refusing"), 0);

  InstallCrl(-absl::Hours(2), -absl::Hours(1));  // default grace: 7 days
  EXPECT_EQ(WaitForGauge("caselink_crl_stale", 1), 1);
  EXPECT_EQ(Gauge("caselink_crl_refusing"), 0);
  EXPECT_TRUE(List(market).ok());
  EXPECT_TRUE(List(*Fresh("psb")).ok());
}

TEST_F(RevocationTest, StaleCrlBeyondTheGraceRefusesThatCasClientsUntilANewOneIsInstalled) {
  Client& psb = district_->As("psb");  // a connection opened before
  ASSERT_TRUE(List(psb).ok());

  InstallCrl(-absl::Hours(24 * 9), -absl::Hours(24 * 8));  // grace 7 days
  absl::Status refused = WaitFor(psb, absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(refused.code(), absl::StatusCode::kUnauthenticated) << refused;
  EXPECT_THAT(std::string(refused.message()), HasSubstr(absl::StrCat("the CRL ", CrlPath())));
  EXPECT_THAT(std::string(refused.message()), HasSubstr("stale"));
  EXPECT_EQ(List(*Fresh("market")).code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Gauge("caselink_crl_refusing"), 1);
  EXPECT_EQ(Gauge("caselink_crl_stale"), 1);

  InstallCrl(-absl::Hours(1), absl::Hours(24));
  EXPECT_TRUE(WaitFor(psb, absl::StatusCode::kOk).ok());
  EXPECT_EQ(Gauge("caselink_crl_refusing"), 0);
}

TEST_F(RevocationTest, CrlRemovedWhileRunningRefusesThatCasClients) {
  Client& psb = district_->As("psb");
  ASSERT_TRUE(List(psb).ok());
  fs::remove(CrlPath());
  absl::Status refused = WaitFor(psb, absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(refused.code(), absl::StatusCode::kUnauthenticated) << refused;
  EXPECT_THAT(std::string(refused.message()), HasSubstr(absl::StrCat("no CRL of client CA \"", kCaSubject)));
}

TEST_F(RevocationTest, NewlyRevokedCertificateIsRefusedOnItsOpenConnection) {
  Client& market = district_->As("market");
  ASSERT_TRUE(List(market).ok());
  auto cert = district_->AgencyCert("market");
  ASSERT_TRUE(cert.ok());
  absl::SleepFor(absl::Milliseconds(1100));  // lastUpdate: one-second resolution
  auto crl = district_->ca().CrlPem({cert->serial_hex});
  ASSERT_TRUE(crl.ok());
  ASSERT_TRUE(WriteFile(CrlPath(1), *crl).ok());

  absl::Status refused = WaitFor(market, absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(refused.code(), absl::StatusCode::kUnauthenticated) << refused;
  EXPECT_THAT(std::string(refused.message()), HasSubstr("is revoked by the CRL"));
  // A new connection does not get past the handshake, and the attempt is on
  // the record: no call exists, so the server concludes it like a refused one.
  constexpr char kHandshake[] = "caselinkd/TlsHandshake";
  const std::string refused_series =
      absl::StrCat("caselink_rpc_requests_total{rpc=\"", kHandshake, "\",code=\"UNAUTHENTICATED\"}");
  EXPECT_EQ(Metric(refused_series), -1);
  EXPECT_TRUE(EntriesOf(kHandshake).empty());
  EXPECT_EQ(List(*Fresh("market")).code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(List(district_->As("psb")).ok());
  auto fingerprint = auth::CertificateFingerprint(cert->cert_pem);
  ASSERT_TRUE(fingerprint.ok());
  std::vector<v1::AuditEntry> entries = EntriesOf(kHandshake);
  for (int i = 0; i < 20 && entries.empty(); ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    entries = EntriesOf(kHandshake);
  }
  ASSERT_FALSE(entries.empty());
  for (const v1::AuditEntry& e : entries) {
    EXPECT_EQ(e.cert_fingerprint(), *fingerprint);
    EXPECT_EQ(e.status_code(), static_cast<int>(absl::StatusCode::kUnauthenticated));
    EXPECT_THAT(e.detail(), HasSubstr("refused at the TLS handshake"));
    EXPECT_THAT(e.detail(), HasSubstr(absl::AsciiStrToUpper(cert->serial_hex)));
    EXPECT_TRUE(e.agency_id().empty()) << "nobody was admitted";
    EXPECT_EQ(e.case_ids_size(), 0);
  }
  // The client retried the handshake; each attempt counts.
  EXPECT_EQ(Metric(refused_series), static_cast<double>(entries.size()));
  EXPECT_GE(Metric("caselink_denied_requests_total{rule=\"certificate_revocation\"}"),
            static_cast<double>(entries.size()));
}

TEST_F(RevocationTest, CertificateNamingTwoAgenciesIsRefused) {
  CertSpec spec;
  spec.common_name = "psb";
  spec.uri_sans = {"caselink://agency/psb", "caselink://agency/justice"};
  auto both = district_->ca().Issue(spec);
  ASSERT_TRUE(both.ok());
  auto client = district_->ClientWith(*both, absl::Seconds(3));
  ASSERT_TRUE(client.ok());
  absl::Status s = List(**client);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("matches two agencies"));
  // Either order of the SANs: refused the same.
  spec.uri_sans = {"caselink://agency/justice", "caselink://agency/psb"};
  auto reversed = district_->ca().Issue(spec);
  ASSERT_TRUE(reversed.ok());
  EXPECT_EQ(List(**district_->ClientWith(*reversed, absl::Seconds(3))).code(), absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace caselink::testing
