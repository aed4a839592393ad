// caselink_district_bench: the scale benchmark of issue 7. It starts the real
// caselinkd (a child process, so its RSS is the server's alone) on a fresh
// RocksDB, loads a synthetic district of --cases cases through SubmitCases
// batches over mTLS (the path `caselink import ledger` takes), and at every
// checkpoint (default 100,000 and 1,000,000 cases) measures, in the same run:
//   import rate      rows/s of the phase that led to the checkpoint
//   party search     SearchCases by party id as the procuratorate, one call
//                    at a time: p50/p99 server-side (the server's own
//                    caselink-server-micros trailer) and over mTLS
//   report           GetJointMeetingReport as the government over all cases, and
//                    over one month (2024-03: the cases the date index files under it)
//                    (a full scan: time grows linearly with the cases)
//   db size, RSS     bytes of the database directory; caselinkd's VmRSS/VmHWM
//   import CPU       CPU per imported case by kind of caselinkd thread (own,
//                    gRPC, flush, compaction), of the importing clients, and of
//                    the raw load per row (thread_cpu.h)
// and prints how each figure grew between checkpoints next to log(n), the
// growth an index lookup should show. Once caselinkd has stopped, the same
// records go into a plain RocksDB (one synced WriteBatch per page, from as
// many threads): the raw load each import rate is shown against. Last, the
// goals of issue 19 for scale, judged from these figures.
//
//   caselink_district_bench --cases 1000000 --checkpoints 100000,1000000 --json d.json
#include <sys/types.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "caselink_common/status_macros.h"
#include "caselink/client.h"
#include "caselink/v1/case_service.grpc.pb.h"
#include "goals.h"
#include "grpcpp/client_context.h"
#include "latency_histogram.h"
#include "mtls_channel.h"
#include "rocksdb_baseline.h"
#include "support/daemon.h"
#include "support/temp_dir.h"
#include "support/test_district.h"
#include "support/test_pki.h"
#include "synthetic_district.h"
#include "thread_cpu.h"

namespace caselink::bench {
namespace {

struct Checkpoint {
  uint64_t cases = 0;
  // The phase that led to this checkpoint: caselink's import, then the same
  // records written into a plain RocksDB (0: the baseline did not run).
  double import_seconds = 0;
  double import_rows_per_s = 0;
  uint64_t import_failures = 0;
  double raw_seconds = 0;
  double raw_rows_per_s = 0;
  // CPU of the phase: caselinkd's by kind of thread, this process's (the
  // importing clients: generating cases, the client library, TLS), and this
  // process's during the raw load (all of it the load's).
  ThreadCpu import_cpu;
  double client_cpu = 0;
  double raw_cpu = 0;
  // Searches right after the import, while RocksDB still compacts what it
  // wrote (busy), and again once the server is idle (settled).
  LatencyHistogram search_server, search_client;
  LatencyHistogram busy_server, busy_client;
  double settle_seconds = 0;
  double search_hits_avg = 0;
  uint64_t search_errors = 0;
  double report_ms = 0;          // GetJointMeetingReport as the government
  int64_t report_cases = -1;     // the cases it counted (all: the check)
  double month_report_ms = 0;    // the same over one month (2024-03), read through the date index
  int64_t month_report_cases = -1;
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
double CpuSeconds(pid_t pid) { return StatCpuSeconds(absl::StrCat("/proc/", pid, "/stat")); }

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

const std::pair<std::string, v1::Domain>& AgencyOf(int importer) {
  return SyntheticDistrict::Agencies()[importer % SyntheticDistrict::Agencies().size()];
}

// Gets a page of generated cases: `importer` is the worker, `first` the
// serial of the page's first case.
using LoadPage = std::function<void(int importer, uint64_t first, std::vector<v1::Case> cases)>;

// The page loop of both imports: `threads` importers, each an agency of its
// own, take pages of `batch` cases of [from, to) as they come free, as
// `caselink import ledger` does. Each generates its cases with a generator
// seeded by the phase and the importer, so caselink's import and the raw
// RocksDB load write the same records. Returns the seconds the phase took.
double ImportPages(uint64_t from, uint64_t to, int threads, int batch, const LoadPage& load) {
  std::atomic<uint64_t> next{from};
  std::vector<std::thread> workers;
  const absl::Time start = absl::Now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      const v1::Domain domain = AgencyOf(t).second;
      SyntheticDistrict gen(PartyPopulation::ForCases(to), 1000003ULL * (from + 1) + t);
      for (;;) {
        const uint64_t first = next.fetch_add(batch);
        if (first >= to) break;
        const uint64_t last = std::min<uint64_t>(to, first + batch);
        std::vector<v1::Case> cases;
        cases.reserve(last - first);
        for (uint64_t i = first; i < last; ++i) cases.push_back(gen.NextCase(domain, i));
        load(t, first, std::move(cases));
      }
    });
  }
  for (auto& w : workers) w.join();
  return absl::ToDoubleSeconds(absl::Now() - start);
}

// Loads cases [from, to) into caselinkd through SubmitCases pages.
void Import(Setup& s, uint64_t from, uint64_t to, int threads, int batch, Checkpoint* cp) {
  std::atomic<uint64_t> failures{0};
  // Clients (and certificates) first, one at a time: Setup is not thread-safe.
  std::vector<std::unique_ptr<Client>> clients;
  for (int t = 0; t < threads; ++t) {
    const std::string& agency = AgencyOf(t).first;
    auto client = ClientFor(s, agency);
    if (!client.ok()) {
      std::fprintf(stderr, "client %s: %s\n", agency.c_str(), client.status().ToString().c_str());
      cp->import_failures = to - from;
      return;
    }
    clients.push_back(std::move(*client));
  }
  cp->import_seconds = ImportPages(from, to, threads, batch, [&](int t, uint64_t first, std::vector<v1::Case> cases) {
    v1::SubmitCasesRequest req;
    for (size_t k = 0; k < cases.size(); ++k) {
      v1::SubmitCaseRequest* item = req.add_items();
      item->set_request_id(absl::StrCat("bench-", first + k));
      *item->mutable_case_() = std::move(cases[k]);
    }
    auto resp = clients[t]->SubmitCases(std::move(req));
    if (!resp.ok()) {
      if (failures == 0) std::fprintf(stderr, "SubmitCases: %s\n", resp.status().ToString().c_str());
      failures += cases.size();
      return;
    }
    for (const auto& r : resp->results()) {
      if (r.code() != 0 && failures++ == 0) std::fprintf(stderr, "item: %s\n", r.message().c_str());
    }
  });
  cp->import_rows_per_s = static_cast<double>(to - from) / cp->import_seconds;
  cp->import_failures = failures;
}

// A key shaped like a case id ("C" + a date + "-" + 12 base32 characters),
// the characters a hash of the serial: the store's ids are random, so its
// writes land all over the key space, and so do the baseline's.
std::string RawKey(uint64_t serial) {
  uint64_t z = serial + 0x9e3779b97f4a7c15ULL;  // SplitMix64: a bijection, so no two serials collide in 64 bits
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  static constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string key = "C20240101-";
  for (int i = 0; i < 12; ++i, z >>= 5) key.push_back(kBase32[z & 31]);
  return key;
}

// The same phase written straight into a plain RocksDB: every case
// serialized, each page one synced WriteBatch, as the store commits a page.
absl::Status RawImport(RocksDbPageLoader& db, uint64_t from, uint64_t to, int threads, int batch,
                       Checkpoint* cp) {
  std::mutex mu;
  absl::Status first_error;
  const double cpu_before = OwnCpuSeconds();
  cp->raw_seconds = ImportPages(from, to, threads, batch, [&](int, uint64_t first, std::vector<v1::Case> cases) {
    std::vector<std::pair<std::string, std::string>> records;
    records.reserve(cases.size());
    for (size_t k = 0; k < cases.size(); ++k) records.emplace_back(RawKey(first + k), cases[k].SerializeAsString());
    absl::Status written = db.WritePage(records);
    std::lock_guard<std::mutex> lock(mu);
    if (first_error.ok()) first_error = written;
  });
  cp->raw_cpu = OwnCpuSeconds() - cpu_before;
  if (first_error.ok()) cp->raw_rows_per_s = static_cast<double>(to - from) / cp->raw_seconds;
  return first_error;
}

// The raw load over the same phases as caselink's import, run after
// caselinkd has stopped so the two never share the cores.
absl::Status RawBaseline(const std::string& dir, int threads, int batch, std::vector<Checkpoint>& cps) {
  CASELINK_ASSIGN_OR_RETURN(std::unique_ptr<RocksDbPageLoader> db, RocksDbPageLoader::Open(dir));
  uint64_t loaded = 0;
  for (Checkpoint& cp : cps) {
    CASELINK_RETURN_IF_ERROR(RawImport(*db, loaded, cp.cases, threads, batch, &cp));
    std::printf("raw RocksDB, %llu cases loaded: %.0f rows/s\n", static_cast<unsigned long long>(cp.cases),
                cp.raw_rows_per_s);
    std::fflush(stdout);
    loaded = cp.cases;
  }
  return absl::OkStatus();
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

// The joint-meeting report as the government: over every generated date
// (every case: the count is the check), and over one month (2024-03), which
// reads only the cases the date index files under it.
void Report(Setup& s, Checkpoint* cp) {
  auto client = ClientFor(s, "government");
  if (!client.ok()) return;
  auto run = [&](const char* from, const char* to, double* ms, int64_t* cases) {
    v1::JointMeetingReportRequest req;
    req.set_from_date(from);
    req.set_to_date(to);
    req.set_purpose("联席会议 benchmark");
    const absl::Time t0 = absl::Now();
    auto r = (*client)->GetJointMeetingReport(req);
    *ms = absl::ToDoubleMilliseconds(absl::Now() - t0);
    if (!r.ok()) {
      std::fprintf(stderr, "GetJointMeetingReport: %s\n", r.status().ToString().c_str());
      *ms = -1;
      return;
    }
    *cases = r->total().cases();
  };
  run("2024-01-01", "2027-01-01", &cp->report_ms, &cp->report_cases);
  run("2024-03-01", "2024-04-01", &cp->month_report_ms, &cp->month_report_cases);
}

double Ms(double ns) { return ns / 1e6; }
double MiB(uint64_t kib) { return kib / 1024.0; }

// Rows per second over every phase up to the last checkpoint, from the
// phases' seconds (`seconds`: caselink's import or the raw load's).
double WholeRunRate(const std::vector<Checkpoint>& cps, double Checkpoint::*seconds) {
  double total = 0;
  for (const Checkpoint& c : cps) total += c.*seconds;
  return total > 0 ? static_cast<double>(cps.back().cases) / total : 0;
}

// caselink's rate as a share of the raw load's; 0 without a baseline.
double RawShare(double caselink, double raw) { return raw > 0 ? caselink / raw : 0; }

// What each imported case cost in CPU, phase by phase: where an import that
// slows down as the database grows spends the difference.
void PrintImportCpu(const std::vector<Checkpoint>& cps) {
  std::printf("\nCPU per imported case, us (caselinkd by thread; the importing clients; the raw load per row):\n");
  std::printf("%10s %10s %10s %10s %10s %10s %10s %10s\n", "phase to", "caselink", "gRPC", "flush",
              "compaction", "server", "clients", "raw load");
  uint64_t from = 0;
  for (const Checkpoint& c : cps) {
    const double n = static_cast<double>(c.cases - from) / 1e6;  // per case, in microseconds
    from = c.cases;
    if (n <= 0) continue;
    std::printf("%10llu %10.1f %10.1f %10.1f %10.1f %10.1f %10.1f %10.1f\n",
                static_cast<unsigned long long>(c.cases), c.import_cpu.caselink / n, c.import_cpu.grpc / n,
                c.import_cpu.flush / n, c.import_cpu.compaction / n, c.import_cpu.Total() / n, c.client_cpu / n,
                c.raw_cpu / n);
  }
}

void PrintTable(const std::vector<Checkpoint>& cps) {
  std::printf("\n%10s %12s %10s %6s %8s %10s %10s %10s %10s %6s %10s %9s %9s %9s %14s\n", "cases", "import/s",
              "raw db/s", "x raw", "failed", "srv p50", "srv p99", "mTLS p50", "mTLS p99", "hits", "report",
              "db MiB", "RSS MiB", "HWM MiB", "month rpt");
  for (const Checkpoint& c : cps) {
    std::printf("%10llu %-39s", static_cast<unsigned long long>(c.cases), "busy");
    std::printf(" %8.3fms %8.3fms %8.3fms %8.3fms   (while compacting)\n",
                Ms(c.busy_server.Percentile(50)), Ms(c.busy_server.Percentile(99)),
                Ms(c.busy_client.Percentile(50)), Ms(c.busy_client.Percentile(99)));
    std::printf("%10llu %12.0f %10.0f %6.2f %8llu %8.3fms %8.3fms %8.3fms %8.3fms %6.1f %9.0fms %9.1f %9.1f %9.1f %5.0fms (%lld)\n",
                static_cast<unsigned long long>(c.cases), c.import_rows_per_s, c.raw_rows_per_s,
                RawShare(c.import_rows_per_s, c.raw_rows_per_s),
                static_cast<unsigned long long>(c.import_failures), Ms(c.search_server.Percentile(50)),
                Ms(c.search_server.Percentile(99)), Ms(c.search_client.Percentile(50)),
                Ms(c.search_client.Percentile(99)), c.search_hits_avg, c.report_ms, c.db_bytes / 1048576.0,
                MiB(c.rss_kib), MiB(c.hwm_kib), c.month_report_ms, static_cast<long long>(c.month_report_cases));
  }
  PrintImportCpu(cps);
  const double whole = WholeRunRate(cps, &Checkpoint::import_seconds);
  const double raw_whole = WholeRunRate(cps, &Checkpoint::raw_seconds);
  std::printf("\nimport over all %llu cases: %.0f rows/s; raw RocksDB (same records, a synced WriteBatch "
              "per page) %.0f rows/s: x%.2f\n",
              static_cast<unsigned long long>(cps.back().cases), whole, raw_whole, RawShare(whole, raw_whole));
  if (cps.size() >= 2) {
    const Checkpoint& a = cps.front();
    const Checkpoint& b = cps.back();
    const double log_growth = std::log(static_cast<double>(b.cases)) / std::log(static_cast<double>(a.cases));
    std::printf("growth %llu -> %llu cases (x%.0f): server p99 x%.2f, mTLS p99 x%.2f, import rate x%.2f, "
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

// Search must stay an index lookup as the district grows: its settled
// server-side p99 may grow by 30% at most from the first checkpoint to the last.
Goal SearchGrowthGoal(const std::vector<Checkpoint>& cps) {
  const std::string text =
      "party-ID search p99 (server-side, settled) grows <= x1.3 from the first checkpoint to the last";
  if (cps.size() < 2) return Goal::NotMeasured(text, "needs two checkpoints");
  const Checkpoint& a = cps.front();
  const Checkpoint& b = cps.back();
  const double pa = Ms(a.search_server.Percentile(99));
  const double pb = Ms(b.search_server.Percentile(99));
  const double x = pb / std::max(0.001, pa);
  return Goal::Judged(text, x <= 1.3,
                      absl::StrFormat("x%.2f (%.3f ms at %llu cases, %.3f ms at %llu)", x, pa,
                                      static_cast<unsigned long long>(a.cases), pb,
                                      static_cast<unsigned long long>(b.cases)));
}

// The import must not slow down as the database grows.
Goal ImportSteadyGoal(const std::vector<Checkpoint>& cps) {
  const std::string text = "import rate over the whole run >= 0.9x the rate over the first checkpoint";
  if (cps.size() < 2) return Goal::NotMeasured(text, "needs two checkpoints");
  const double whole = WholeRunRate(cps, &Checkpoint::import_seconds);
  const double first = cps.front().import_rows_per_s;
  const double x = whole / std::max(1.0, first);
  return Goal::Judged(text, x >= 0.9,
                      absl::StrFormat("x%.2f (%.0f rows/s over %llu cases, %.0f over the first %llu)", x, whole,
                                      static_cast<unsigned long long>(cps.back().cases), first,
                                      static_cast<unsigned long long>(cps.front().cases)));
}

// caselink writes more than the records (versions, indexes, the access log)
// but must stay within half of what RocksDB alone loads.
Goal ImportVsRawGoal(const std::vector<Checkpoint>& cps) {
  const std::string text = "import rate over the whole run >= 50% of the raw RocksDB load of the same records";
  if (cps.back().raw_rows_per_s <= 0) return Goal::NotMeasured(text, "the raw RocksDB load did not run");
  const double whole = WholeRunRate(cps, &Checkpoint::import_seconds);
  const double raw = WholeRunRate(cps, &Checkpoint::raw_seconds);
  const double share = RawShare(whole, raw);
  return Goal::Judged(text, share >= 0.5,
                      absl::StrFormat("%.0f%% (%.0f vs %.0f rows/s; %.0f%% over the first %llu cases)", share * 100,
                                      whole, raw,
                                      RawShare(cps.front().import_rows_per_s, cps.front().raw_rows_per_s) * 100,
                                      static_cast<unsigned long long>(cps.front().cases)));
}

Goal RssGoal(const std::vector<Checkpoint>& cps) {
  const Checkpoint& last = cps.back();
  return Goal::Judged("server RSS at the last checkpoint < 300 MiB", MiB(last.rss_kib) < 300,
                      absl::StrFormat("%.1f MiB at %llu cases (peak %.1f MiB)", MiB(last.rss_kib),
                                      static_cast<unsigned long long>(last.cases), MiB(last.hwm_kib)));
}

// The scale goals of issue 19 ("Speed"); `cps` holds at least one checkpoint.
std::vector<Goal> Goals(const std::vector<Checkpoint>& cps) {
  return {SearchGrowthGoal(cps), ImportSteadyGoal(cps), ImportVsRawGoal(cps), RssGoal(cps)};
}

void WriteJson(const std::string& path, const std::vector<Checkpoint>& cps, int threads, int batch,
               const std::vector<Goal>& goals) {
  std::ofstream out(path);
  out << "{\n  \"importers\": " << threads << ",\n  \"batch\": " << batch
      << ",\n  \"import_rows_per_s_whole_run\": " << WholeRunRate(cps, &Checkpoint::import_seconds)
      << ",\n  \"raw_rocksdb_rows_per_s_whole_run\": " << WholeRunRate(cps, &Checkpoint::raw_seconds)
      << ",\n  \"checkpoints\": [\n";
  for (size_t i = 0; i < cps.size(); ++i) {
    const Checkpoint& c = cps[i];
    out << "    {\"cases\": " << c.cases << ", \"import_rows_per_s\": " << c.import_rows_per_s
        << ", \"import_seconds\": " << c.import_seconds << ", \"import_failures\": " << c.import_failures
        << ", \"raw_rocksdb_rows_per_s\": " << c.raw_rows_per_s << ", \"raw_rocksdb_seconds\": " << c.raw_seconds
        << ", \"import_cpu_seconds\": {\"caselink\": " << c.import_cpu.caselink << ", \"grpc\": " << c.import_cpu.grpc
        << ", \"flush\": " << c.import_cpu.flush << ", \"compaction\": " << c.import_cpu.compaction
        << ", \"clients\": " << c.client_cpu << "}, \"raw_rocksdb_cpu_seconds\": " << c.raw_cpu
        << ", \"search_server_p50_ms\": " << Ms(c.search_server.Percentile(50))
        << ", \"search_server_p99_ms\": " << Ms(c.search_server.Percentile(99))
        << ", \"search_mtls_p50_ms\": " << Ms(c.search_client.Percentile(50))
        << ", \"search_mtls_p99_ms\": " << Ms(c.search_client.Percentile(99))
        << ", \"search_hits_avg\": " << c.search_hits_avg << ", \"search_errors\": " << c.search_errors
        << ", \"busy_search_server_p99_ms\": " << Ms(c.busy_server.Percentile(99))
        << ", \"busy_search_mtls_p99_ms\": " << Ms(c.busy_client.Percentile(99))
        << ", \"settle_seconds\": " << c.settle_seconds
        << ", \"report_ms\": " << c.report_ms << ", \"report_cases\": " << c.report_cases
        << ", \"month_report_ms\": " << c.month_report_ms << ", \"month_report_cases\": " << c.month_report_cases
        << ", \"db_bytes\": " << c.db_bytes << ", \"rss_kib\": " << c.rss_kib
        << ", \"hwm_kib\": " << c.hwm_kib << "}" << (i + 1 < cps.size() ? "," : "") << "\n";
  }
  out << "  ],\n  \"goals\": " << GoalsJson(goals, "  ") << "\n}\n";
}

int Main(int argc, char** argv) {
  CLI::App app{"caselink scale benchmark (issues 7 and 19): import beside a raw RocksDB load, party search, "
               "size and memory"};
  uint64_t cases = 1000000;
  std::string checkpoints_list = "100000,1000000", json_path;
  int threads = 4, batch = 500, searches = 2000;
  app.add_option("--cases", cases, "cases to load in all");
  app.add_option("--checkpoints", checkpoints_list, "measure after this many cases (comma list)");
  app.add_option("--importers", threads, "concurrent importing agencies (and raw RocksDB writers)")->check(CLI::Range(1, 16));
  app.add_option("--batch", batch, "cases per SubmitCases call (and per raw WriteBatch)")->check(CLI::Range(1, 1000));
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
    const ThreadCpu server_before = ThreadCpuOf(s.daemon->pid());
    const double client_before = OwnCpuSeconds();
    Import(s, loaded, mark, threads, batch, &cp);
    cp.import_cpu = ThreadCpuOf(s.daemon->pid()) - server_before;
    cp.client_cpu = OwnCpuSeconds() - client_before;
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
    if (cp.import_cpu.Total() <= 0) {
      std::fprintf(stderr, "no CPU time read from /proc/%d/task for the import to %llu cases\n",
                   static_cast<int>(s.daemon->pid()), static_cast<unsigned long long>(mark));
      failed = true;
    }
    cps.push_back(std::move(cp));
  }
  if (s.daemon->Terminate() != 0) {
    std::fprintf(stderr, "caselinkd did not stop cleanly:\n%s\n", s.daemon->Log().c_str());
    failed = true;
  }
  if (absl::Status st = RawBaseline(s.dir.Join("raw-rocksdb"), threads, batch, cps); !st.ok()) {
    std::fprintf(stderr, "raw RocksDB baseline: %s\n", st.ToString().c_str());
    failed = true;
  }
  PrintTable(cps);
  const std::vector<Goal> goals = Goals(cps);
  PrintGoals(stdout, "issue 19", goals);
  if (!json_path.empty()) WriteJson(json_path, cps, threads, batch, goals);
  return failed ? 1 : 0;
}

}  // namespace
}  // namespace caselink::bench

int main(int argc, char** argv) { return caselink::bench::Main(argc, argv); }
