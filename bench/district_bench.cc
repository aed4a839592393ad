// caselink_district_bench: the scale benchmark of issue 7. It starts the real
// caselinkd (a child process, so its RSS is the server's alone) on a fresh
// RocksDB, loads a synthetic district of --cases cases through SubmitCases
// batches over mTLS (the path `caselink import ledger` takes), and at every
// checkpoint (default 100,000 and 1,000,000 cases) measures, in the same run:
//   import rate      rows/s of the phase that led to the checkpoint
//   party search     SearchCases by party id as the procuratorate, one call
//                    at a time: p50/p99 server-side (the server's own
//                    caselink-server-micros trailer) and over mTLS
//   report           GetJointMeetingReport as the government over all cases
//                    (a full scan: time grows linearly with the cases)
//   db size, RSS     bytes of the database directory; caselinkd's VmRSS/VmHWM
// and prints how each figure grew between checkpoints next to log(n), the
// growth an index lookup should show.
//
//   caselink_district_bench --cases 1000000 --checkpoints 100000,1000000 --json d.json
#include <sys/types.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "caselink_common/status_macros.h"
#include "caselink/client.h"
#include "caselink/v1/case_service.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "latency_histogram.h"
#include "mtls_channel.h"
#include "support/daemon.h"
#include "support/temp_dir.h"
#include "support/test_district.h"
#include "support/test_pki.h"
#include "synthetic_district.h"

namespace caselink::bench {
namespace {

struct Checkpoint {
  uint64_t cases = 0;
  double import_rows_per_s = 0;
  uint64_t import_failures = 0;
  // Searches right after the import, while RocksDB still compacts what it
  // wrote (busy), and again once the server is idle (settled).
  LatencyHistogram search_server, search_client;
  LatencyHistogram busy_server, busy_client;
  double settle_seconds = 0;
  double search_hits_avg = 0;
  uint64_t search_errors = 0;
  double report_ms = 0;          // GetJointMeetingReport as the government
  int64_t report_cases = -1;     // the cases it counted (all: the check)
  uint64_t db_bytes = 0;
  uint64_t rss_kib = 0, hwm_kib = 0;
};

uint64_t DirectoryBytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  }
  return total;
}

// VmRSS / VmHWM of a process, in KiB.
std::pair<uint64_t, uint64_t> Memory(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  uint64_t rss = 0, hwm = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> f = absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (f.size() < 2) continue;
    if (f[0] == "VmRSS:") (void)absl::SimpleAtoi(f[1], &rss);
    if (f[0] == "VmHWM:") (void)absl::SimpleAtoi(f[1], &hwm);
  }
  return {rss, hwm};
}

// CPU seconds caselinkd has used so far (user + system).
double CpuSeconds(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::vector<std::string> f = absl::StrSplit(stat.substr(close + 2), ' ');
  double utime = 0, stime = 0;  // fields 14 and 15 of proc(5), 12 and 13 here
  if (f.size() > 13) {
    (void)absl::SimpleAtod(f[11], &utime);
    (void)absl::SimpleAtod(f[12], &stime);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Waits until caselinkd used under 5% of a core for a whole second (its
// background compactions are done), at most `limit` seconds; returns the wait.
double Settle(pid_t pid, double limit) {
  const absl::Time start = absl::Now();
  while (absl::ToDoubleSeconds(absl::Now() - start) < limit) {
    const double before = CpuSeconds(pid);
    absl::SleepFor(absl::Seconds(1));
    if (CpuSeconds(pid) - before < 0.05) break;
  }
  return absl::ToDoubleSeconds(absl::Now() - start);
}

struct Setup {
  testing::TempDir dir;
  testing::TestCa ca;
  std::map<std::string, testing::KeyCert> certs;
  std::unique_ptr<testing::Daemon> daemon;
};

absl::Status StartServer(Setup& s) {
  CASELINK_ASSIGN_OR_RETURN(testing::KeyCert server, s.ca.IssueServer());
  CASELINK_RETURN_IF_ERROR(testing::WriteFile(s.dir.Join("server.pem"), server.cert_pem));
  CASELINK_RETURN_IF_ERROR(testing::WriteFile(s.dir.Join("server.key"), server.key_pem));
  CASELINK_RETURN_IF_ERROR(testing::WriteFile(s.dir.Join("ca.pem"), s.ca.cert_pem()));
  std::filesystem::create_directories(s.dir.Join("crl"));
  CASELINK_RETURN_IF_ERROR(s.ca.WriteCrlToDir(s.dir.Join("crl"), {}));
  CASELINK_RETURN_IF_ERROR(testing::WriteFile(s.dir.Join("policy.textproto"),
                                              testing::TestDistrict::ExamplePolicyText()));
  CASELINK_ASSIGN_OR_RETURN(std::string audit, testing::WriteAuditConfig(s.dir.path()));
  CASELINK_RETURN_IF_ERROR(testing::WriteFile(
      s.dir.Join("server.textproto"),
      absl::StrCat("listen_address: \"127.0.0.1:0\" db_path: \"db\" port_file: \"port\" "
                   "policy_file: \"policy.textproto\" "
                   "tls { cert_file: \"server.pem\" key_file: \"server.key\" "
                   "client_ca_file: \"ca.pem\" crl_dir: \"crl\" } ",
                   audit)));
  s.daemon = std::make_unique<testing::Daemon>(CASELINKD_PATH, s.dir.Join("server.textproto"),
                                               s.dir.Join("server.log"));
  return s.daemon->Start(s.dir.Join("port"));
}

absl::StatusOr<std::unique_ptr<Client>> ClientFor(Setup& s, const std::string& agency) {
  if (!s.certs.count(agency)) {
    CASELINK_ASSIGN_OR_RETURN(s.certs[agency], s.ca.IssueAgency(agency));
  }
  ClientOptions o;
  o.target = absl::StrCat("127.0.0.1:", s.daemon->port());
  o.ca_pem = s.ca.cert_pem();
  o.cert_pem = s.certs[agency].cert_pem;
  o.key_pem = s.certs[agency].key_pem;
  o.server_name_override = "localhost";
  o.deadline = absl::Seconds(120);
  return Client::Connect(o);
}

// Loads cases [from, to) with `threads` importers, each an agency of its own.
void Import(Setup& s, uint64_t from, uint64_t to, int threads, int batch, Checkpoint* cp) {
  std::atomic<uint64_t> next{from}, failures{0};
  // Clients (and certificates) first, one at a time: Setup is not thread-safe.
  std::vector<std::unique_ptr<Client>> clients;
  for (int t = 0; t < threads; ++t) {
    const std::string& agency = SyntheticDistrict::Agencies()[t % SyntheticDistrict::Agencies().size()].first;
    auto client = ClientFor(s, agency);
    if (!client.ok()) {
      std::fprintf(stderr, "client %s: %s\n", agency.c_str(), client.status().ToString().c_str());
      cp->import_failures = to - from;
      return;
    }
    clients.push_back(std::move(*client));
  }
  std::vector<std::thread> workers;
  const absl::Time start = absl::Now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      const v1::Domain domain = SyntheticDistrict::Agencies()[t % SyntheticDistrict::Agencies().size()].second;
      Client* client = clients[t].get();
      SyntheticDistrict gen(PartyPopulation::ForCases(to), 1000003ULL * (from + 1) + t);
      for (;;) {
        const uint64_t first = next.fetch_add(batch);
        if (first >= to) break;
        const uint64_t last = std::min<uint64_t>(to, first + batch);
        v1::SubmitCasesRequest req;
        for (uint64_t i = first; i < last; ++i) {
          v1::SubmitCaseRequest* item = req.add_items();
          item->set_request_id(absl::StrCat("bench-", i));
          *item->mutable_case_() = gen.NextCase(domain, i);
        }
        auto resp = client->SubmitCases(std::move(req));
        if (!resp.ok()) {
          if (failures == 0) std::fprintf(stderr, "SubmitCases: %s\n", resp.status().ToString().c_str());
          failures += last - first;
          continue;
        }
        for (const auto& r : resp->results()) {
          if (r.code() != 0 && failures++ == 0) std::fprintf(stderr, "item: %s\n", r.message().c_str());
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  cp->import_rows_per_s = static_cast<double>(to - from) / absl::ToDoubleSeconds(absl::Now() - start);
  cp->import_failures = failures;
}

// `n` party-id searches as the procuratorate, one in flight.
void Search(Setup& s, uint64_t cases, int n, LatencyHistogram* server, LatencyHistogram* client,
            Checkpoint* cp) {
  auto& kc = s.certs["procuratorate"];
  if (kc.cert_pem.empty()) kc = *s.ca.IssueAgency("procuratorate");
  auto channel = MakeMtlsChannel(absl::StrCat("127.0.0.1:", s.daemon->port()), s.ca.cert_pem(),
                                 kc.cert_pem, kc.key_pem);
  auto stub = v1::CaseService::NewStub(channel);
  SyntheticDistrict gen(PartyPopulation::ForCases(cases), 77);
  uint64_t hits = 0;
  for (int i = -n / 10; i < n; ++i) {  // the first tenth warms up
    v1::SearchCasesRequest req;
    req.set_party_id(gen.NextPartyId());
    req.set_purpose("两法衔接 benchmark: 当事人历史案件核查");
    req.set_page_size(50);
    v1::SearchCasesResponse resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    const absl::Time t0 = absl::Now();
    grpc::Status st = stub->SearchCases(&ctx, req, &resp);
    const int64_t client_ns = absl::ToInt64Nanoseconds(absl::Now() - t0);
    if (!st.ok()) {
      if (cp->search_errors++ == 0) std::fprintf(stderr, "SearchCases: %s\n", st.error_message().c_str());
      continue;
    }
    if (i < 0) continue;
    auto trailer = ctx.GetServerTrailingMetadata().find("caselink-server-micros");
    int64_t server_us = 0;
    if (trailer != ctx.GetServerTrailingMetadata().end()) {
      (void)absl::SimpleAtoi(absl::string_view(trailer->second.data(), trailer->second.size()), &server_us);
    }
    server->Record(static_cast<uint64_t>(server_us) * 1000);
    client->Record(static_cast<uint64_t>(client_ns));
    hits += resp.cases_size();
  }
  cp->search_hits_avg = n > 0 ? static_cast<double>(hits) / n : 0;
}

// The joint-meeting report over every generated date, as the government.
void Report(Setup& s, Checkpoint* cp) {
  auto client = ClientFor(s, "government");
  if (!client.ok()) return;
  v1::JointMeetingReportRequest req;
  req.set_from_date("2024-01-01");
  req.set_to_date("2027-01-01");
  req.set_purpose("联席会议 benchmark");
  const absl::Time t0 = absl::Now();
  auto r = (*client)->GetJointMeetingReport(req);
  cp->report_ms = absl::ToDoubleMilliseconds(absl::Now() - t0);
  if (!r.ok()) {
    std::fprintf(stderr, "GetJointMeetingReport: %s\n", r.status().ToString().c_str());
    cp->report_ms = -1;
    return;
  }
  cp->report_cases = r->total().cases();
}

double Ms(double ns) { return ns / 1e6; }

void PrintTable(const std::vector<Checkpoint>& cps) {
  std::printf("\n%10s %12s %8s %10s %10s %10s %10s %6s %10s %9s %9s %9s\n", "cases", "import/s",
              "failed", "srv p50", "srv p99", "mTLS p50", "mTLS p99", "hits", "report", "db MiB",
              "RSS MiB", "HWM MiB");
  for (const Checkpoint& c : cps) {
    std::printf("%10llu %-8s", static_cast<unsigned long long>(c.cases), "busy");
    std::printf("%20s %8.3fms %8.3fms %8.3fms %8.3fms   (while compacting)\n", "",
                Ms(c.busy_server.Percentile(50)), Ms(c.busy_server.Percentile(99)),
                Ms(c.busy_client.Percentile(50)), Ms(c.busy_client.Percentile(99)));
    std::printf("%10llu %12.0f %8llu %8.3fms %8.3fms %8.3fms %8.3fms %6.1f %9.0fms %9.1f %9.1f %9.1f\n",
                static_cast<unsigned long long>(c.cases), c.import_rows_per_s,
                static_cast<unsigned long long>(c.import_failures), Ms(c.search_server.Percentile(50)),
                Ms(c.search_server.Percentile(99)), Ms(c.search_client.Percentile(50)),
                Ms(c.search_client.Percentile(99)), c.search_hits_avg, c.report_ms, c.db_bytes / 1048576.0,
                c.rss_kib / 1024.0, c.hwm_kib / 1024.0);
  }
  if (cps.size() >= 2) {
    const Checkpoint& a = cps.front();
    const Checkpoint& b = cps.back();
    const double log_growth = std::log(static_cast<double>(b.cases)) / std::log(static_cast<double>(a.cases));
    std::printf("\ngrowth %llu -> %llu cases (x%.0f): server p99 x%.2f, mTLS p99 x%.2f, import rate x%.2f, "
                "report x%.2f, db x%.2f, RSS x%.2f; log(n) grows x%.2f\n",
                static_cast<unsigned long long>(a.cases), static_cast<unsigned long long>(b.cases),
                static_cast<double>(b.cases) / a.cases,
                b.search_server.Percentile(99) / std::max(1.0, a.search_server.Percentile(99)),
                b.search_client.Percentile(99) / std::max(1.0, a.search_client.Percentile(99)),
                b.import_rows_per_s / std::max(1.0, a.import_rows_per_s),
                b.report_ms / std::max(0.001, a.report_ms), static_cast<double>(b.db_bytes) / std::max<uint64_t>(1, a.db_bytes),
                static_cast<double>(b.rss_kib) / std::max<uint64_t>(1, a.rss_kib), log_growth);
  }
}

void WriteJson(const std::string& path, const std::vector<Checkpoint>& cps, int threads, int batch) {
  std::ofstream out(path);
  out << "{\n  \"importers\": " << threads << ",\n  \"batch\": " << batch << ",\n  \"checkpoints\": [\n";
  for (size_t i = 0; i < cps.size(); ++i) {
    const Checkpoint& c = cps[i];
    out << "    {\"cases\": " << c.cases << ", \"import_rows_per_s\": " << c.import_rows_per_s
        << ", \"import_failures\": " << c.import_failures
        << ", \"search_server_p50_ms\": " << Ms(c.search_server.Percentile(50))
        << ", \"search_server_p99_ms\": " << Ms(c.search_server.Percentile(99))
        << ", \"search_mtls_p50_ms\": " << Ms(c.search_client.Percentile(50))
        << ", \"search_mtls_p99_ms\": " << Ms(c.search_client.Percentile(99))
        << ", \"search_hits_avg\": " << c.search_hits_avg << ", \"search_errors\": " << c.search_errors
        << ", \"busy_search_server_p99_ms\": " << Ms(c.busy_server.Percentile(99))
        << ", \"busy_search_mtls_p99_ms\": " << Ms(c.busy_client.Percentile(99))
        << ", \"settle_seconds\": " << c.settle_seconds
        << ", \"report_ms\": " << c.report_ms << ", \"report_cases\": " << c.report_cases
        << ", \"db_bytes\": " << c.db_bytes << ", \"rss_kib\": " << c.rss_kib
        << ", \"hwm_kib\": " << c.hwm_kib << "}" << (i + 1 < cps.size() ? "," : "") << "\n";
  }
  out << "  ]\n}\n";
}

int Main(int argc, char** argv) {
  CLI::App app{"caselink scale benchmark (issue 7): import, party search, size and memory"};
  uint64_t cases = 1000000;
  std::string checkpoints_list = "100000,1000000", json_path;
  int threads = 4, batch = 500, searches = 2000;
  app.add_option("--cases", cases, "cases to load in all");
  app.add_option("--checkpoints", checkpoints_list, "measure after this many cases (comma list)");
  app.add_option("--importers", threads, "concurrent importing agencies")->check(CLI::Range(1, 16));
  app.add_option("--batch", batch, "cases per SubmitCases call")->check(CLI::Range(1, 1000));
  app.add_option("--searches", searches, "party searches per checkpoint")->check(CLI::Range(0, 1000000));
  app.add_option("--json", json_path, "also write the results as JSON");
  CLI11_PARSE(app, argc, argv);

  std::vector<uint64_t> marks;
  for (absl::string_view p : absl::StrSplit(checkpoints_list, ',', absl::SkipEmpty())) {
    uint64_t v = 0;
    if (!absl::SimpleAtoi(p, &v) || v == 0 || v > cases) {
      std::fprintf(stderr, "--checkpoints: '%s' is not a count in 1..--cases\n", std::string(p).c_str());
      return 2;
    }
    marks.push_back(v);
  }
  std::sort(marks.begin(), marks.end());
  if (marks.empty() || marks.back() != cases) marks.push_back(cases);

  auto ca = testing::TestCa::Create("district bench CA");
  if (!ca.ok()) return std::fprintf(stderr, "%s\n", ca.status().ToString().c_str()), 1;
  Setup s{testing::TempDir(), std::move(*ca), {}, nullptr};
  if (absl::Status st = StartServer(s); !st.ok()) {
    std::fprintf(stderr, "cannot start caselinkd: %s\n%s\n", st.ToString().c_str(),
                 s.daemon ? s.daemon->Log().c_str() : "");
    return 1;
  }
  std::printf("caselinkd pid %d on port %d, data in %s\n", static_cast<int>(s.daemon->pid()),
              s.daemon->port(), s.dir.path().c_str());

  std::vector<Checkpoint> cps;
  uint64_t loaded = 0;
  bool failed = false;
  for (uint64_t mark : marks) {
    Checkpoint cp;
    cp.cases = mark;
    Import(s, loaded, mark, threads, batch, &cp);
    loaded = mark;
    std::printf("%llu cases loaded: %.0f rows/s (%llu failed)\n", static_cast<unsigned long long>(mark),
                cp.import_rows_per_s, static_cast<unsigned long long>(cp.import_failures));
    std::fflush(stdout);
    Search(s, mark, searches / 4, &cp.busy_server, &cp.busy_client, &cp);
    cp.settle_seconds = Settle(s.daemon->pid(), 300);
    Search(s, mark, searches, &cp.search_server, &cp.search_client, &cp);
    Report(s, &cp);
    if (cp.report_cases != static_cast<int64_t>(mark)) {
      std::fprintf(stderr, "the report counted %lld cases, not %llu\n",
                   static_cast<long long>(cp.report_cases), static_cast<unsigned long long>(mark));
      failed = true;
    }
    cp.db_bytes = DirectoryBytes(s.dir.Join("db"));
    std::tie(cp.rss_kib, cp.hwm_kib) = Memory(s.daemon->pid());
    failed |= cp.import_failures > 0 || cp.search_errors > 0;
    cps.push_back(std::move(cp));
  }
  PrintTable(cps);
  if (!json_path.empty()) WriteJson(json_path, cps, threads, batch);
  if (s.daemon->Terminate() != 0) {
    std::fprintf(stderr, "caselinkd did not stop cleanly:\n%s\n", s.daemon->Log().c_str());
    failed = true;
  }
  return failed ? 1 : 0;
}

}  // namespace
}  // namespace caselink::bench

int main(int argc, char** argv) { return caselink::bench::Main(argc, argv); }
