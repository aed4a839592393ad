// Durability: caselinkd is killed with SIGKILL while agencies are writing;
// after a restart every acknowledged write is there, every version intact.
// CASELINK_CRASH_CYCLES (default 2) sets the number of kill/restart cycles;
// the slow suite runs 20.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "storage/database.h"
#include "storage/integrity_check.h"
#include "support/daemon.h"
#include "support/daemon_district.h"
#include "support/temp_dir.h"
#include "support/test_district.h"
#include "support/test_pki.h"

namespace caselink::testing {
namespace {

TEST(CrashTest, AcknowledgedWritesSurviveKill9) {
  const char* env = std::getenv("CASELINK_CRASH_CYCLES");
  const int cycles = env ? std::atoi(env) : 2;
  TempDir dir;
  auto ca = TestCa::Create("crash test CA");
  ASSERT_TRUE(ca.ok());
  auto market = ca->IssueAgency("market");
  ASSERT_TRUE(market.ok());
  auto files = WriteDaemonFiles(dir, *ca);
  ASSERT_TRUE(files.ok()) << files.status();
  Daemon daemon(CASELINKD_PATH, files->config, files->log);

  // case_id -> highest acknowledged version
  std::map<std::string, int64_t> acked;
  std::mutex mu;
  long total_acked = 0;
  uint64_t audit_entries = 0;
  std::mt19937 rng(42);

  for (int cycle = 0; cycle < cycles; ++cycle) {
    ASSERT_TRUE(daemon.Start(files->port_file).ok()) << daemon.Log();
    ClientOptions o = DaemonClientOptions(*ca, *market, daemon.port());
    o.deadline = absl::Seconds(2);
    o.max_attempts = 1;
    auto client = Client::Connect(o);
    ASSERT_TRUE(client.ok());

    // Everything acknowledged before is still there, at its version.
    for (const auto& [id, version] : acked) {
      v1::GetCaseRequest req;
      req.set_case_id(id);
      auto c = (*client)->GetCase(req);
      ASSERT_TRUE(c.ok()) << "cycle " << cycle << ": lost case " << id << ": " << c.status();
      ASSERT_GE(c->version(), version) << "cycle " << cycle << ": lost a version of " << id;
    }

    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t) {
      writers.emplace_back([&] {
        v1::Case mine;
        int64_t version = 0;
        while (!stop.load()) {
          auto r = (*client)->SubmitCase(version == 0 ? SampleCase() : mine, version);
          if (!r.ok()) continue;  // in flight at the kill: not acknowledged
          mine = r->case_();
          version = mine.version();
          std::lock_guard<std::mutex> l(mu);
          acked[mine.case_id()] = version;
          ++total_acked;
          if (version >= 5) version = 0;  // start a new case now and then
        }
      });
    }
    // A reader too: the access-log entries of reads are answered once
    // written, before their fsync, so some are in flight at every kill.
    writers.emplace_back([&] {
      while (!stop.load()) {
        v1::ListCasesRequest req;
        req.set_page_size(5);
        (void)(*client)->ListCases(req);
      }
    });
    absl::SleepFor(absl::Milliseconds(200 + rng() % 400));
    daemon.Kill();
    stop = true;
    for (auto& w : writers) w.join();
    // The database as the crash left it: every head is its newest version,
    // the index agrees with the heads, and the access-log chain verifies.
    {
      auto db = storage::Database::OpenReadOnly(dir.Join("db"));
      ASSERT_TRUE(db.ok()) << db.status();
      auto key = ReadFile(dir.Join("audit-hmac.key"));
      ASSERT_TRUE(key.ok()) << key.status();
      auto report = storage::CheckIntegrity(**db, *key, "");
      ASSERT_TRUE(report.ok()) << report.status();
      ASSERT_TRUE(report->ok()) << "cycle " << cycle << ":\n" << report->Summary();
      audit_entries = report->audit.entries;
    }
  }
  ASSERT_TRUE(daemon.Start(files->port_file).ok()) << daemon.Log();
  ClientOptions o;
  o.target = absl::StrCat("127.0.0.1:", daemon.port());
  o.ca_pem = ca->cert_pem();
  o.cert_pem = market->cert_pem;
  o.key_pem = market->key_pem;
  o.server_name_override = "localhost";
  auto client = Client::Connect(o);
  ASSERT_TRUE(client.ok());
  long lost = 0;
  for (const auto& [id, version] : acked) {
    v1::ListCaseVersionsRequest req;
    req.set_case_id(id);
    auto v = (*client)->ListCaseVersions(req);
    if (!v.ok() || v->versions_size() < version) {
      ++lost;
      continue;
    }
    for (int i = 0; i < v->versions_size(); ++i) EXPECT_EQ(v->versions(i).version(), i + 1);
  }
  // The search index agrees with the data after every crash: every case
  // (all carry SampleCase's parties) is found by party id exactly once.
  std::set<std::string> listed, found;
  v1::ListCasesRequest list;
  list.set_page_size(500);
  do {
    auto page = (*client)->ListCases(list);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& c : page->cases()) listed.insert(c.case_id());
    list.set_page_token(page->next_page_token());
  } while (!list.page_token().empty());
  v1::SearchCasesRequest search;
  search.set_party_id("510181198503121235");
  search.set_purpose("index consistency");
  search.set_page_size(500);
  do {
    auto page = (*client)->SearchCases(search);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& c : page->cases()) EXPECT_TRUE(found.insert(c.case_id()).second);
    search.set_page_token(page->next_page_token());
  } while (!search.page_token().empty());
  EXPECT_EQ(found, listed) << "index and cases disagree";
  for (const auto& [id, version] : acked) EXPECT_TRUE(found.count(id)) << id;
  std::printf("crash loop: cycles=%d acknowledged_writes=%ld cases=%zu lost=%ld indexed=%zu "
              "audit_entries_verified=%llu (checked after every kill)\n", cycles, total_acked,
              acked.size(), lost, found.size(), static_cast<unsigned long long>(audit_entries));
  EXPECT_GT(audit_entries, 0u);
  EXPECT_GT(total_acked, 0);
  EXPECT_EQ(lost, 0);
}

}  // namespace
}  // namespace caselink::testing
