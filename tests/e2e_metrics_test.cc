// Metrics through the real server: /metrics scraped over HTTP (cpp-httplib
// client) moves with the calls made through the real client library — per
// RPC and status code, per agency, refusals per rule, open event streams —
// and shows RocksDB, access-log and certificate figures; `AdminService.
// GetStats` gives the operator the same figures, and every other agency of
// the example policy is refused both admin RPCs (deny by default).
#include <httplib.h>

#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/admin/cert_expiry.h"
#include "server/server_config.h"
#include "support/daemon.h"
#include "support/test_district.h"
#include <grpcpp/channel.h>
#include "caselink/v1/workflow.grpc.pb.h"

namespace caselink::testing {
namespace {

constexpr char kService[] = "caselink.v1.CaseService";
constexpr char kSubmit[] = "caselink.v1.CaseService/SubmitCase";

class MetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = TestDistrict::Start();
    ASSERT_TRUE(d.ok()) << d.status();
    district_ = std::move(*d);
    ASSERT_GT(district_->server().admin_port(), 0);
  }

  std::string Scrape(std::string* content_type = nullptr) {
    httplib::Client http("127.0.0.1", district_->server().admin_port());
    auto res = http.Get("/metrics");
    if (!res || res->status != 200) return "";
    if (content_type != nullptr) *content_type = res->get_header_value("Content-Type");
    return res->body;
  }

  // The value of one series ("name{labels}" exactly as exposed), -1 if absent.
  static double Value(const std::string& text, const std::string& series) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind(series + " ", 0) == 0) {
        double v = 0;
        if (absl::SimpleAtod(line.substr(series.size() + 1), &v)) return v;
      }
    }
    return -1;
  }

  std::unique_ptr<TestDistrict> district_;
};

TEST_F(MetricsTest, ScrapeMovesWithCallsPerRpcCodeAgencyAndRule) {
  std::string content_type;
  const std::string before = Scrape(&content_type);
  ASSERT_FALSE(before.empty());
  EXPECT_EQ(content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_THAT(before, ::testing::HasSubstr("# TYPE caselink_rpc_duration_seconds histogram\n"));

  Client& market = district_->As("market");
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(market.SubmitCase(SampleCase()).ok());
  // The government may not submit cases: refused by the RPC grant.
  EXPECT_EQ(district_->As("government").SubmitCase(SampleCase()).status().code(),
            absl::StatusCode::kPermissionDenied);

  const std::string after = Scrape();
  const std::string ok = absl::StrCat("{rpc=\"", kSubmit, "\",code=\"OK\"}");
  const std::string denied = absl::StrCat("{rpc=\"", kSubmit, "\",code=\"PERMISSION_DENIED\"}");
  EXPECT_EQ(Value(after, "caselink_rpc_requests_total" + ok), 3);
  EXPECT_EQ(Value(after, "caselink_rpc_requests_total" + denied), 1);
  EXPECT_EQ(Value(after, "caselink_rpc_duration_seconds_count" + ok), 3);
  EXPECT_EQ(Value(after, absl::StrCat("caselink_rpc_duration_seconds_bucket{rpc=\"", kSubmit,
                                      "\",code=\"OK\",le=\"+Inf\"}")),
            3);
  EXPECT_GT(Value(after, "caselink_rpc_duration_seconds_sum" + ok), 0);
  EXPECT_EQ(Value(after, "caselink_agency_requests_total{agency=\"market\"}"), 3);
  EXPECT_EQ(Value(after, "caselink_agency_requests_total{agency=\"government\"}"), 1);
  EXPECT_EQ(Value(after, "caselink_denied_requests_total{rule=\"rpc_not_granted\"}"), 1);

  // Each call also went into the access log: the durable head moved. The
  // refusal's entry is answered once written and fsynced by the next group
  // commit (audit.sync_read_entries off), so it may take a moment to count.
  std::string synced = after;
  for (int i = 0; i < 200 && Value(synced, "caselink_audit_head_sequence") < 4; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
    synced = Scrape();
  }
  EXPECT_GE(Value(synced, "caselink_audit_head_sequence"), 4);
  EXPECT_GE(Value(after, "caselink_rocksdb_estimated_keys{table=\"case_heads\"}"), 1);
  EXPECT_GE(Value(after, "caselink_rocksdb_live_data_bytes{table=\"case_heads\"}"), 0);
  EXPECT_GE(Value(after, "caselink_rocksdb_pending_compaction_bytes{table=\"case_heads\"}"), 0);
}

// A point read (caselink.v1.point_read in the .proto) is served on gRPC's
// thread when a CPU turn is free; a listing never is.
TEST_F(MetricsTest, PointReadsAreServedWithoutTheWorkerHandOffWhenATurnIsFree) {
  Client& market = district_->As("market");
  auto submitted = market.SubmitCase(SampleCase());
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  v1::GetCaseRequest get;
  get.set_case_id(submitted->case_().case_id());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(market.GetCase(get).ok());
  v1::ListCasesRequest list;
  ASSERT_TRUE(market.ListCases(list).ok());
  const std::string text = Scrape();
  EXPECT_EQ(Value(text, absl::StrCat("caselink_point_reads_inline_total{rpc=\"", kService, "/GetCase\"}")), 3);
  EXPECT_EQ(Value(text, absl::StrCat("caselink_point_reads_inline_total{rpc=\"", kService, "/ListCases\"}")), -1);
  EXPECT_EQ(Value(text, absl::StrCat("caselink_point_reads_inline_total{rpc=\"", kSubmit, "\"}")), -1);
}

TEST_F(MetricsTest, CertificateExpiryIsExported) {
  const std::string text = Scrape();
  // The test server certificate lives 24 h (support/test_pki.h).
  const double expected = absl::ToUnixSeconds(absl::Now() + absl::Hours(23));
  bool found_server = false;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("caselink_certificate_expiry_timestamp_seconds{kind=\"server\"", 0) != 0) continue;
    double v = 0;
    ASSERT_TRUE(absl::SimpleAtod(line.substr(line.rfind(' ') + 1), &v)) << line;
    EXPECT_NEAR(v, expected, 2 * 3600) << line;
    EXPECT_THAT(line, ::testing::HasSubstr("subject=\"CN=localhost\""));
    found_server = true;
  }
  EXPECT_TRUE(found_server) << text;
  EXPECT_THAT(text, ::testing::HasSubstr(
                        "caselink_certificate_expiry_timestamp_seconds{kind=\"client_ca\",subject=\"CN=caselink test district CA\""));
}

TEST_F(MetricsTest, CertificatesCloseToExpiryAreWarnedAbout) {
  v1::TlsConfig tls;
  tls.set_cert_file(district_->dir() + "/server.pem");
  tls.set_client_ca_file(district_->dir() + "/ca.pem");
  const std::vector<server::CertExpiry> certs = server::ReadCertExpiries(tls);
  ASSERT_EQ(certs.size(), 2u);
  // The server certificate lives 24 h, the CA longer (support/test_pki.h).
  EXPECT_EQ(server::WarnAboutExpiringCerts(certs, absl::Now(), absl::Hours(1)), 0);
  EXPECT_EQ(server::WarnAboutExpiringCerts(certs, absl::Now(), absl::Hours(48)), 1);
  const absl::Time ca_expiry = certs[1].not_after;
  EXPECT_EQ(certs[1].kind, "client_ca");
  EXPECT_EQ(server::WarnAboutExpiringCerts(certs, absl::Now(), ca_expiry - absl::Now() + absl::Hours(1)), 2);
  // Both expired: logged as errors, still counted.
  EXPECT_EQ(server::WarnAboutExpiringCerts(certs, ca_expiry + absl::Hours(1), absl::Hours(1)), 2);
}

TEST_F(MetricsTest, OpenEventStreamsAreCounted) {
  auto stub = v1::EventService::NewStub(district_->As("psb").channel());
  grpc::ClientContext ctx;
  v1::WatchRequest req;
  req.set_purpose("metrics test");
  auto reader = stub->Watch(&ctx, req);
  const std::string series = "caselink_event_streams_open{agency=\"psb\"}";
  double open = -1;
  for (int i = 0; i < 100 && open != 1; ++i) {
    open = Value(Scrape(), series);
    if (open != 1) absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ(open, 1);
  ctx.TryCancel();
  reader->Finish();
  for (int i = 0; i < 100 && open != -1; ++i) {
    open = Value(Scrape(), series);
    if (open != -1) absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ(open, -1) << "the stream's slot was not released";
  EXPECT_EQ(Value(Scrape(), "caselink_rpc_requests_total{rpc=\"caselink.v1.EventService/Watch\",code=\"CANCELLED\"}"), 1);
}

TEST_F(MetricsTest, OperatorGetsTheSameFiguresThroughGetStats) {
  ASSERT_TRUE(district_->As("market").SubmitCase(SampleCase()).ok());
  auto stats = district_->As("operator").GetStats();
  ASSERT_TRUE(stats.ok()) << stats.status();
  double ok_submits = -1;
  bool has_audit_head = false;
  for (const v1::MetricFamily& f : stats->families()) {
    if (f.name() == "caselink_audit_head_sequence") has_audit_head = f.samples_size() == 1;
    if (f.name() != "caselink_rpc_requests_total") continue;
    EXPECT_EQ(f.type(), "counter");
    for (const v1::MetricSample& s : f.samples()) {
      if (s.labels().at("rpc") == kSubmit && s.labels().at("code") == "OK") ok_submits = s.value();
    }
  }
  EXPECT_EQ(ok_submits, 1);
  EXPECT_TRUE(has_audit_head);
  EXPECT_EQ(Value(Scrape(), absl::StrCat("caselink_rpc_requests_total{rpc=\"", kSubmit, "\",code=\"OK\"}")),
            ok_submits);
}

TEST_F(MetricsTest, CliAdminStatsPrintsTheFiguresAsPrometheusText) {
  ASSERT_TRUE(district_->As("market").SubmitCase(SampleCase()).ok());
  auto op = district_->AgencyCert("operator");
  ASSERT_TRUE(op.ok());
  const std::string dir = district_->dir();
  ASSERT_TRUE(WriteFile(dir + "/operator.pem", op->cert_pem).ok());
  ASSERT_TRUE(WriteFile(dir + "/operator.key", op->key_pem).ok());
  std::string out;
  const int rc = Daemon::RunToCompletion(
      CASELINK_CLI_PATH, {"--target", district_->target(), "--ca", dir + "/ca.pem", "--cert", dir + "/operator.pem",
                          "--key", dir + "/operator.key", "--server-name", "localhost", "admin", "stats"},
      &out);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_THAT(out, ::testing::HasSubstr("# TYPE caselink_rpc_duration_seconds histogram\n"));
  EXPECT_THAT(out, ::testing::HasSubstr("caselink_agency_requests_total{agency=\"market\"} 1\n"));
  // Labels come back sorted, le last, as Prometheus prints them.
  EXPECT_THAT(out, ::testing::HasSubstr(absl::StrCat("caselink_rpc_duration_seconds_bucket{code=\"OK\",rpc=\"",
                                                     kSubmit, "\",le=\"+Inf\"} 1\n")));
}

TEST_F(MetricsTest, AdminListenerCanBeOffAndABusyAddressFailsTheStart) {
  auto cfg = server::LoadServerConfig(district_->config_path());
  ASSERT_TRUE(cfg.ok()) << cfg.status();
  cfg->set_db_path(district_->dir() + "/db-off");
  cfg->mutable_admin()->set_listen_address("off");
  auto off = server::CaselinkServer::Start(*cfg);
  ASSERT_TRUE(off.ok()) << off.status();
  EXPECT_EQ((*off)->admin_port(), 0);
  off->reset();

  cfg->set_db_path(district_->dir() + "/db-busy");
  cfg->mutable_admin()->set_listen_address(absl::StrCat("127.0.0.1:", district_->server().admin_port()));
  auto busy = server::CaselinkServer::Start(*cfg);
  ASSERT_FALSE(busy.ok());
  EXPECT_THAT(std::string(busy.status().message()), ::testing::HasSubstr("admin.listen_address"));
}

TEST_F(MetricsTest, AdminRpcsAreDeniedToEveryOtherAgency) {
  for (const char* agency : {"psb", "procuratorate", "justice", "government", "market", "emergency",
                             "hrss", "town-a"}) {
    Client& c = district_->As(agency);
    EXPECT_EQ(c.GetStats().status().code(), absl::StatusCode::kPermissionDenied) << agency;
    v1::BackupRequest req;
    req.set_directory(district_->dir() + "/backup-" + agency);
    EXPECT_EQ(c.Backup(req, absl::Seconds(10)).status().code(), absl::StatusCode::kPermissionDenied) << agency;
  }
  EXPECT_TRUE(district_->As("operator").GetStats().ok());
}

}  // namespace
}  // namespace caselink::testing
