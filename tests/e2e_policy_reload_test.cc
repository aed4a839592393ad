// Policy reload: SIGHUP (or ReloadPolicy) swaps the policy atomically — no
// request ever sees half of an old and half of a new policy — and a bad new
// file keeps the old policy in force and says why. A bad file at start is
// refused with its file, line and reason.
#include <signal.h>

#include <filesystem>
#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/daemon.h"
#include "support/test_district.h"

namespace caselink::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The example policy with the police's "other cases" rule granting identity
// numbers in full instead of masked.
std::string PolicyWithPoliceIdsInFull() {
  std::string p = TestDistrict::ExamplePolicyText();
  const std::string from = R"(name: "police-other-cases")";
  size_t at = p.find(from);
  size_t mask = p.find("fields { sensitivity: PERSONAL_ID action: MASK }", at);
  p.replace(mask, std::string("fields { sensitivity: PERSONAL_ID action: MASK }").size(),
            "fields { sensitivity: PERSONAL_ID action: ALLOW }");
  return p;
}

enum class Seen { kMasked, kFull, kMixed, kError };

Seen Classify(const absl::StatusOr<v1::Case>& c) {
  if (!c.ok() || c->parties_size() < 2) return Seen::kError;
  const bool id_full = c->parties(0).person().id_number() == "510181198503121235";
  const bool code_full = c->parties(1).organization().credit_code() == "91510181MA6C12341E";
  if (id_full && code_full) return Seen::kFull;
  if (!id_full && !code_full) return Seen::kMasked;
  return Seen::kMixed;
}

TEST(PolicyReloadTest, ConcurrentRequestsNeverSeeAHalfLoadedPolicy) {
  auto d = TestDistrict::Start();
  ASSERT_TRUE(d.ok()) << d.status();
  TestDistrict& district = **d;
  auto created = district.As("market").SubmitCase(SampleCase(v1::MARKET_ORDER));
  ASSERT_TRUE(created.ok());
  v1::GetCaseRequest get;
  get.set_case_id(created->case_().case_id());
  get.set_purpose("reload test");
  ASSERT_EQ(Classify(district.As("psb").GetCase(get)), Seen::kMasked);

  const std::string a = TestDistrict::ExamplePolicyText(), b = PolicyWithPoliceIdsInFull();
  std::atomic<bool> stop{false};
  std::atomic<int> masked{0}, full{0}, mixed{0}, errors{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      while (!stop) {
        switch (Classify(district.As("psb").GetCase(get))) {
          case Seen::kMasked: ++masked; break;
          case Seen::kFull: ++full; break;
          case Seen::kMixed: ++mixed; break;
          case Seen::kError: ++errors; break;
        }
      }
    });
  }
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(WriteFile(district.policy_path(), i % 2 == 0 ? b : a).ok());
    ASSERT_TRUE(district.server().ReloadPolicy().ok());
    absl::SleepFor(absl::Milliseconds(20));
  }
  stop = true;
  for (auto& r : readers) r.join();
  EXPECT_EQ(mixed.load(), 0);
  EXPECT_EQ(errors.load(), 0);
  EXPECT_GT(masked.load(), 0);
  EXPECT_GT(full.load(), 0);
}

TEST(PolicyReloadTest, BadNewFileKeepsTheOldPolicy) {
  auto d = TestDistrict::Start();
  ASSERT_TRUE(d.ok()) << d.status();
  TestDistrict& district = **d;
  auto created = district.As("market").SubmitCase(SampleCase(v1::MARKET_ORDER));
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(WriteFile(district.policy_path(), TestDistrict::ExamplePolicyText() +
                                                    "\nrules { name: \"x\" roles: [POLICE] rpcs: [\"nope\"] }\n")
                  .ok());
  absl::Status s = district.server().ReloadPolicy();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("policy.textproto:"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("unknown rpc 'nope'"));
  v1::GetCaseRequest get;
  get.set_case_id(created->case_().case_id());
  get.set_purpose("after a bad reload");
  EXPECT_EQ(Classify(district.As("psb").GetCase(get)), Seen::kMasked);
}

class DaemonPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ca = TestCa::Create("daemon policy test CA");
    ASSERT_TRUE(ca.ok());
    ca_ = std::make_unique<TestCa>(std::move(*ca));
    auto server = ca_->IssueServer();
    ASSERT_TRUE(server.ok());
    ASSERT_TRUE(WriteFile(dir_.Join("server.pem"), server->cert_pem).ok());
    ASSERT_TRUE(WriteFile(dir_.Join("server.key"), server->key_pem).ok());
    ASSERT_TRUE(WriteFile(dir_.Join("ca.pem"), ca_->cert_pem()).ok());
    std::filesystem::create_directories(dir_.Join("crl"));
    ASSERT_TRUE(ca_->WriteCrlToDir(dir_.Join("crl"), {}).ok());
    ASSERT_TRUE(WriteFile(dir_.Join("policy.textproto"), TestDistrict::ExamplePolicyText()).ok());
    ASSERT_TRUE(WriteFile(dir_.Join("server.textproto"),
                          "listen_address: \"127.0.0.1:0\" db_path: \"db\" port_file: \"port\" "
                          "policy_file: \"policy.textproto\" "
                          "tls { cert_file: \"server.pem\" key_file: \"server.key\" "
                          "client_ca_file: \"ca.pem\" crl_dir: \"crl\" }" + *WriteAuditConfig(dir_.path()))
                    .ok());
  }

  std::unique_ptr<Client> ClientFor(const std::string& agency, int port) {
    auto kc = ca_->IssueAgency(agency);
    ClientOptions o;
    o.target = absl::StrCat("127.0.0.1:", port);
    o.ca_pem = ca_->cert_pem();
    o.cert_pem = kc->cert_pem;
    o.key_pem = kc->key_pem;
    o.server_name_override = "localhost";
    return std::move(Client::Connect(o)).value();
  }

  TempDir dir_;
  std::unique_ptr<TestCa> ca_;
};

TEST_F(DaemonPolicyTest, SighupReloadsAndABadFileKeepsTheOldPolicy) {
  Daemon daemon(CASELINKD_PATH, dir_.Join("server.textproto"), dir_.Join("server.log"));
  ASSERT_TRUE(daemon.Start(dir_.Join("port")).ok()) << daemon.Log();
  auto market = ClientFor("market", daemon.port());
  auto psb = ClientFor("psb", daemon.port());
  auto created = market->SubmitCase(SampleCase(v1::MARKET_ORDER));
  ASSERT_TRUE(created.ok()) << created.status();
  v1::GetCaseRequest get;
  get.set_case_id(created->case_().case_id());
  get.set_purpose("sighup test");
  ASSERT_EQ(Classify(psb->GetCase(get)), Seen::kMasked);

  ASSERT_TRUE(WriteFile(dir_.Join("policy.textproto"), PolicyWithPoliceIdsInFull()).ok());
  daemon.Signal(SIGHUP);
  Seen seen = Seen::kMasked;
  for (int i = 0; i < 100 && seen != Seen::kFull; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
    seen = Classify(psb->GetCase(get));
  }
  EXPECT_EQ(seen, Seen::kFull);

  ASSERT_TRUE(WriteFile(dir_.Join("policy.textproto"), "agencies { id: \"psb\" roles: [NOPE] }").ok());
  daemon.Signal(SIGHUP);
  bool logged = false;
  for (int i = 0; i < 100 && !logged; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
    logged = daemon.Log().find("policy reload failed") != std::string::npos;
  }
  EXPECT_TRUE(logged) << daemon.Log();
  EXPECT_THAT(daemon.Log(), HasSubstr("policy.textproto:1:"));
  EXPECT_EQ(Classify(psb->GetCase(get)), Seen::kFull);  // still the last good policy
  EXPECT_EQ(daemon.Terminate(), 0);  // SIGTERM: clean shutdown, exit 0
}

// The working calendar is reloaded with the policy, each file on its own: a
// bad calendar keeps the previous one and the log names the calendar, not the
// policy (which did reload).
TEST_F(DaemonPolicyTest, ABadCalendarOnReloadIsNamedAsTheCalendar) {
  auto calendar = ReadFile(std::string(CASELINK_SOURCE_DIR) + "/config/working-calendar.textproto");
  ASSERT_TRUE(calendar.ok()) << calendar.status();
  ASSERT_TRUE(WriteFile(dir_.Join("calendar.textproto"), *calendar).ok());
  auto config = ReadFile(dir_.Join("server.textproto"));
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_TRUE(WriteFile(dir_.Join("server.textproto"),
                        *config + " workflow { calendar_file: \"calendar.textproto\" }").ok());
  Daemon daemon(CASELINKD_PATH, dir_.Join("server.textproto"), dir_.Join("server.log"));
  ASSERT_TRUE(daemon.Start(dir_.Join("port")).ok()) << daemon.Log();

  ASSERT_TRUE(WriteFile(dir_.Join("calendar.textproto"), "nonsense: 1\n").ok());
  daemon.Signal(SIGHUP);
  bool logged = false;
  for (int i = 0; i < 100 && !logged; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
    logged = daemon.Log().find("working calendar / workflow periods reload failed") != std::string::npos;
  }
  EXPECT_TRUE(logged) << daemon.Log();
  EXPECT_THAT(daemon.Log(), HasSubstr("calendar.textproto:1:"));
  EXPECT_THAT(daemon.Log(), HasSubstr("policy reloaded from"));
  EXPECT_THAT(daemon.Log(), Not(HasSubstr("policy reload failed")));
  EXPECT_EQ(daemon.Terminate(), 0);
}

// --check-config names every field of the configuration that breaks its
// rules, not only the first, so one edit fixes them all.
TEST_F(DaemonPolicyTest, CheckConfigNamesEveryBadSetting) {
  auto config = ReadFile(dir_.Join("server.textproto"));
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_TRUE(WriteFile(dir_.Join("server.textproto"),
                        *config + " limits { max_page_size: -5 max_rows_examined_per_page: -1 }").ok());
  std::string out;
  int code = Daemon::RunToCompletion(CASELINKD_PATH, {"--check-config", dir_.Join("server.textproto")}, &out);
  EXPECT_NE(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("limits.max_page_size: must not be negative (got -5)"));
  EXPECT_THAT(out, HasSubstr("limits.max_rows_examined_per_page: must not be negative (got -1)"));
}

// An empty (or truncated) policy is valid — deny by default — but the
// operator is told that it will refuse every call.
TEST_F(DaemonPolicyTest, APolicyThatGrantsNothingIsWarnedAbout) {
  ASSERT_TRUE(WriteFile(dir_.Join("policy.textproto"), "").ok());
  std::string out;
  int code = Daemon::RunToCompletion(CASELINKD_PATH, {"--check-config", dir_.Join("server.textproto")}, &out);
  EXPECT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("has 0 agencies and 0 rules: every call will be refused"));
}

// AuditService answers are the log's entries, every agency's: a district rule
// that grants it with rows (meaning to narrow an auditor to some domains) is
// told that they narrow nothing.
TEST_F(DaemonPolicyTest, RowsOnAnAuditGrantAreWarnedToNarrowNothing) {
  ASSERT_TRUE(WriteFile(dir_.Join("policy.textproto"),
                        "agencies { id: \"justice\" identities: \"caselink://agency/justice\" roles: JUSTICE }\n"
                        "rules { name: \"audit-safety-only\" roles: JUSTICE rpcs: \"caselink.v1.AuditService/*\" "
                        "rows { domains: WORK_SAFETY } }\n"
                        "rules { name: \"reads\" roles: JUSTICE rpcs: \"caselink.v1.CaseService/GetCase\" "
                        "rows { all: true } }\n")
                  .ok());
  std::string out;
  int code = Daemon::RunToCompletion(CASELINKD_PATH, {"--check-config", dir_.Join("server.textproto")}, &out);
  EXPECT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("rule 'audit-safety-only' grants caselink.v1.AuditService/* with rows or fields, which "
                             "narrow nothing there"));
  EXPECT_THAT(out, Not(HasSubstr("rule 'reads'")));
}

TEST_F(DaemonPolicyTest, BadPolicyAtStartIsRefusedWithFileLineAndReason) {
  ASSERT_TRUE(WriteFile(dir_.Join("policy.textproto"),
                        "agencies { id: \"psb\" identities: \"caselink://agency/psb\" roles: POLICE }\n"
                        "rules { name: \"r\" roles: POLICE rpcs: \"caselink.v1.CaseService/Nope\" }\n")
                  .ok());
  std::string out;
  int code = Daemon::RunToCompletion(CASELINKD_PATH, {"--check-config", dir_.Join("server.textproto")}, &out);
  EXPECT_NE(code, 0);
  EXPECT_THAT(out, HasSubstr("policy.textproto:2:"));
  EXPECT_THAT(out, HasSubstr("rule 'r': unknown rpc 'caselink.v1.CaseService/Nope'"));
  out.clear();
  code = Daemon::RunToCompletion(CASELINKD_PATH, {"--config", dir_.Join("server.textproto")}, &out);
  EXPECT_NE(code, 0);
  EXPECT_THAT(out, HasSubstr("policy.textproto:2:"));
}

}  // namespace
}  // namespace caselink::testing
