// caselink_bench: the load benchmark of issue 8, judged against the goals of
// issue 19. In one run, against a real in-process caselink server (generated
// PKI, the example policy, RocksDB in a temp dir) and two baselines in the
// same process, it measures:
//   echo              baseline A: bare gRPC mTLS echo, case-sized response
//   read_floor        the echo answering from a stored record (a RocksDB read)
//   log_floor         the same with the read's entry written before the answer
//                     (logged_echo_store.h): what bounds getcase_redacted
//   getcase_redacted  GetCase as psb of market's MARKET_ORDER case (id masked)
//   getcase_noaudit   the same read against a second server without the
//                     access log: the log's cost is 1 - redacted / noaudit
//   getcase_owner     GetCase as the owner market (generic path, all ALLOW)
//   submitcase        SubmitCase (new case, durable, synced) as market
//   rocksdb_put       baseline B: raw RocksDB synced 400-byte Puts, N threads
//   transition        durable workflow transition: ActOnTransfer RETURN/RESUBMIT
//                     cycle (a TODO row when the RPC is absent or not granted)
//   redaction_micro   in-process PlanRead+RedactMessage vs a plain copy
//   getcase_owner_flooded  GetCase as market while psb floods the server
// each at every --concurrency, and prints every caselink figure as a ratio to
// its baseline (table and --json). Talks only to 127.0.0.1; bounded in time.
//
//   caselink_bench --duration 5 --concurrency 1,32 --json bench.json
#include <atomic>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "bench_report.h"
#include "caselink/v1/case_service.grpc.pb.h"
#include "caselink_common/status_macros.h"
#include "districts.h"
#include "echo.grpc.pb.h"
#include "echo_server.h"
#include "flood_process.h"
#include "grpcpp/client_context.h"
#include "load_driver.h"
#include "logged_echo_store.h"
#include "mtls_channel.h"
#include "redaction_micro.h"
#include "rocksdb_baseline.h"
#include "server/core/allocator_settings.h"
#include "spdlog/spdlog.h"
#include "workflow_load.h"
#include "support/test_district.h"

namespace caselink::bench {
namespace {

constexpr auto kCallDeadline = std::chrono::seconds(10);

// One asynchronous unary call and everything it owns; deleted once finished
// (the callback tag holds its own reference to the call, so deleting the
// context inside the completion callback is safe).
template <typename Req, typename Resp>
struct Call {
  grpc::ClientContext ctx;
  Req req;
  Resp resp;
};

// The server's own time of successful calls (its "caselink-server-micros"
// trailer: from the call's arrival to its answer), next to what the client
// measured: it tells the server's queueing from the transport's and the
// cores'. Whole run, warm-up included. Thread-safe.
class ServerTimes {
 public:
  void Record(uint64_t micros) {
    absl::MutexLock l(&mu_);
    h_.Record(micros * 1000);
  }
  double P99Ms() {
    absl::MutexLock l(&mu_);
    return h_.Percentile(99.0) / 1e6;
  }

 private:
  absl::Mutex mu_;
  LatencyHistogram h_ ABSL_GUARDED_BY(mu_);
};

// `invoke(ctx, req, resp, callback)` starts the call on a callback-API stub;
// `server_times`, when given, gets the server's time of each successful call.
template <typename Req, typename Resp, typename Invoke>
void StartUnary(const Invoke& invoke, const Req& req, Done done, ServerTimes* server_times = nullptr) {
  auto* call = new Call<Req, Resp>;
  call->req = req;
  call->ctx.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
  invoke(&call->ctx, &call->req, &call->resp,
         [call, server_times, done = std::move(done)](grpc::Status s) {
           if (s.ok() && server_times != nullptr) {
             const auto& trailers = call->ctx.GetServerTrailingMetadata();
             auto it = trailers.find("caselink-server-micros");
             uint64_t micros = 0;
             if (it != trailers.end() &&
                 absl::SimpleAtoi(absl::string_view(it->second.data(), it->second.size()), &micros)) {
               server_times->Record(micros);
             }
           }
           delete call;
           done(s.ok() ? std::string()
                       : absl::StrCat(static_cast<int>(s.error_code()), ": ", s.error_message()));
         });
}

// Starts GetCase `req` on `stub`.
void StartGetCase(v1::CaseService::Stub* stub, const v1::GetCaseRequest& req, Done done,
                  ServerTimes* server_times = nullptr) {
  StartUnary<v1::GetCaseRequest, v1::Case>(
      [stub](auto* ctx, auto* rq, auto* rs, auto cb) {
        stub->async()->GetCase(ctx, rq, rs, std::move(cb));
      },
      req, std::move(done), server_times);
}

// GetCase `req` on `stub`, `o.concurrency` calls in flight.
LoadResult RunGetCaseLoad(const std::string& name, const LoadOptions& o, v1::CaseService::Stub* stub,
                          const v1::GetCaseRequest& req, ServerTimes* server_times = nullptr) {
  return RunAsyncLoad(name, o, [stub, &req, server_times](int, Done done) {
    StartGetCase(stub, req, std::move(done), server_times);
  });
}

// An mTLS channel to `target` with `agency`'s certificate from `district`'s
// CA, connected before it is returned: no TLS handshake inside a measurement.
absl::StatusOr<std::shared_ptr<grpc::Channel>> Connect(testing::TestDistrict& district,
                                                       const std::string& agency,
                                                       const std::string& target) {
  CASELINK_ASSIGN_OR_RETURN(testing::KeyCert kc, district.AgencyCert(agency));
  auto channel = MakeMtlsChannel(target, district.ca().cert_pem(), kc.cert_pem, kc.key_pem);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
    return absl::UnavailableError(absl::StrCat("cannot connect a benchmark channel to ", target));
  }
  return channel;
}

// psb's masked read of a new MARKET_ORDER case of market in one district:
// the request, with the purpose and case reference a masked read needs, and
// psb's connected channel.
struct PsbRead {
  v1::GetCaseRequest get;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::CaseService::Stub> stub;
};

absl::StatusOr<PsbRead> PreparePsbRead(testing::TestDistrict& district) {
  PsbRead read;
  CASELINK_ASSIGN_OR_RETURN(std::string case_id, SubmitMarketCase(district));
  read.get.set_case_id(case_id);
  read.get.set_purpose("联合检查 benchmark");
  read.get.set_purpose_case_ref("某公(治)立字〔2024〕1号");
  CASELINK_ASSIGN_OR_RETURN(read.channel, Connect(district, "psb", district.target()));
  read.stub = v1::CaseService::NewStub(read.channel);
  return read;
}

// The flooding agency's process (flood_process.h): connects with the
// agency's certificate, says it is ready, keeps `in_flight` GetCase calls in
// flight for the given seconds, sending the next the moment one returns
// (refused or not), and prints its counts.
int FloodChildMain(const std::string& dir) {
  auto spec = ReadFloodSpec(dir);
  v1::GetCaseRequest get;
  if (!spec.ok() || !get.ParseFromString(spec->request)) {
    std::printf("bad spec: %s\n", spec.ok() ? "request" : spec.status().ToString().c_str());
    return 2;
  }
  auto channel = MakeMtlsChannel(spec->target, spec->ca_pem, spec->cert_pem, spec->key_pem);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
    std::printf("cannot connect to %s\n", spec->target.c_str());
    return 1;
  }
  auto stub = v1::CaseService::NewStub(channel);
  std::printf("ready\n");
  std::fflush(stdout);
  LoadOptions o;
  o.concurrency = spec->in_flight;
  o.warmup_seconds = 0;
  o.duration_seconds = spec->seconds;
  std::atomic<uint64_t> refused{0};
  LoadResult r = RunAsyncLoad("flood", o, [&](int, Done done) {
    StartGetCase(stub.get(), get, [&refused, done = std::move(done)](const std::string& error) {
      if (!error.empty()) ++refused;
      done("");  // a refused call is sent again at once, as a misbehaving integration would
    });
  });
  // Every call ended with done(""): r.ok counts the refused ones too.
  std::printf("done %llu %llu\n", static_cast<unsigned long long>(r.ok - refused.load()),
              static_cast<unsigned long long>(refused.load()));
  std::fflush(stdout);
  return 0;
}

bool Selected(const std::string& only, const std::string& workload) {
  return only.empty() || workload.find(only) != std::string::npos;
}

int Main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--flood-child") return FloodChildMain(argv[2]);
  CLI::App app{"caselink load benchmark (issues 8 and 19): GetCase, SubmitCase and their baselines"};
  double duration = 5, warmup = 1;
  std::string concurrency_list = "1,32", json_path, only;
  LoggedEchoShape floor_shape;
  app.add_option("--duration", duration, "measured seconds per row")->check(CLI::Range(0.01, 600.0));
  app.add_option("--warmup", warmup, "warm-up seconds before each row")->check(CLI::Range(0.0, 60.0));
  app.add_option("--concurrency", concurrency_list, "calls in flight (threads for RocksDB), comma list");
  app.add_option("--json", json_path, "also write the results as JSON to this path");
  app.add_option("--only", only,
                 "run only workloads whose name contains this (echo, read_floor, log_floor, getcase_redacted, "
                 "getcase_noaudit, getcase_owner, getcase_owner_flooded, submitcase, rocksdb_put, transition, "
                 "redaction_micro)");
  app.add_option("--floor-entry-bytes", floor_shape.entry_bytes,
                 "log_floor: bytes of the entry written per read")
      ->check(CLI::Range(0, 1 << 20));
  app.add_option("--floor-index-keys", floor_shape.index_keys, "log_floor: index keys written per entry")
      ->check(CLI::Range(0, 64));
  CLI11_PARSE(app, argc, argv);

  Report report;
  report.machine = MachineInfo::Probe(argc, argv);
  report.warmup_seconds = warmup;
  report.duration_seconds = duration;
  for (absl::string_view part : absl::StrSplit(concurrency_list, ',', absl::SkipWhitespace())) {
    int c = 0;
    if (!absl::SimpleAtoi(part, &c) || c < 1 || c > 1024) {
      std::fprintf(stderr, "--concurrency: '%s' is not a number in 1..1024\n",
                   std::string(part).c_str());
      return 2;
    }
    report.concurrency.push_back(c);
  }
  if (report.concurrency.empty()) {
    std::fprintf(stderr, "--concurrency: empty list\n");
    return 2;
  }

  // --- the district: PKI, example policy, RocksDB in a temp dir, mTLS server.
  auto district_or = StartDistrict(/*access_log=*/true);
  if (!district_or.ok()) {
    std::fprintf(stderr, "cannot start the caselink server: %s\n",
                 district_or.status().ToString().c_str());
    return 1;
  }
  testing::TestDistrict& district = **district_or;
  spdlog::set_level(spdlog::level::warn);  // the server logs one info line per call

  // One MARKET_ORDER case of market: what psb reads (masked) and market reads (own).
  auto psb = PreparePsbRead(district);
  if (!psb.ok()) {
    std::fprintf(stderr, "setup of psb's read failed: %s\n", psb.status().ToString().c_str());
    return 1;
  }
  const v1::GetCaseRequest& psb_get = psb->get;
  v1::GetCaseRequest owner_get;
  owner_get.set_case_id(psb_get.case_id());
  auto as_psb = district.As("psb").GetCase(psb_get);
  auto as_owner = district.As("market").GetCase(owner_get);
  if (!as_psb.ok() || !as_owner.ok()) {
    std::fprintf(stderr, "setup GetCase failed: psb %s, market %s\n",
                 as_psb.status().ToString().c_str(), as_owner.status().ToString().c_str());
    return 1;
  }
  // Proof the redacted path does real work: psb must not see the id number.
  const std::string& full_id = as_owner->parties(0).person().id_number();
  const std::string& seen_id = as_psb->parties(0).person().id_number();
  if (seen_id == full_id) {
    std::fprintf(stderr, "setup: psb sees the unmasked id number; the policy changed?\n");
    return 1;
  }
  report.masked_fields_over_rpc.push_back(
      absl::StrCat("parties.person.id_number: ", full_id, " -> ", seen_id));
  if (as_psb->parties(1).organization().credit_code() !=
      as_owner->parties(1).organization().credit_code()) {
    report.masked_fields_over_rpc.push_back(
        absl::StrCat("parties.organization.credit_code: ",
                     as_owner->parties(1).organization().credit_code(), " -> ",
                     as_psb->parties(1).organization().credit_code()));
  }
  report.get_request_bytes = psb_get.ByteSizeLong();
  report.get_response_bytes = as_psb->ByteSizeLong();

  // --- channels: identical client setup for caselink and the echo baseline.
  auto market_channel = Connect(district, "market", district.target());
  if (!market_channel.ok()) {
    std::fprintf(stderr, "%s\n", market_channel.status().ToString().c_str());
    return 1;
  }
  auto market_stub = v1::CaseService::NewStub(*market_channel);

  // --- baseline A: the echo server, same TLS files and CA as caselinkd.
  EchoTlsFiles tls{district.dir() + "/server.pem", district.dir() + "/server.key",
                   district.dir() + "/ca.pem", district.crl_dir()};
  // The log_floor row's store, read and written by the echo server's
  // LoggedEcho (records of the GetCase response's size).
  std::unique_ptr<LoggedEchoStore> floor_store;
  if (Selected(only, "read_floor") || Selected(only, "log_floor")) {
    floor_shape.record_bytes = static_cast<int>(report.get_response_bytes);
    auto opened = LoggedEchoStore::Open(district.dir() + "/log-floor", floor_shape);
    if (!opened.ok()) {
      std::fprintf(stderr, "%s\n", opened.status().ToString().c_str());
      return 1;
    }
    floor_store = std::move(*opened);
  }
  auto echo_server = EchoServer::Start(tls, floor_store.get());
  if (!echo_server.ok()) {
    std::fprintf(stderr, "%s\n", echo_server.status().ToString().c_str());
    return 1;
  }
  auto echo_channel = Connect(district, "psb", absl::StrCat("127.0.0.1:", (*echo_server)->port()));
  if (!echo_channel.ok()) {
    std::fprintf(stderr, "%s\n", echo_channel.status().ToString().c_str());
    return 1;
  }
  auto echo_stub = Echo::NewStub(*echo_channel);
  EchoRequest echo_req;
  echo_req.set_payload(std::string(report.get_request_bytes > 4 ? report.get_request_bytes - 4 : 1, 'q'));
  echo_req.set_response_size(static_cast<uint32_t>(report.get_response_bytes > 4
                                                       ? report.get_response_bytes - 4
                                                       : report.get_response_bytes));

  // --- the same read of a second district that serves without the access
  // log (getcase_noaudit): the log's cost, measured next to getcase_redacted.
  std::unique_ptr<testing::TestDistrict> noaudit_district;
  std::optional<PsbRead> noaudit;
  if (Selected(only, "getcase_noaudit")) {
    auto started = StartDistrict(/*access_log=*/false);
    auto read = started.ok() ? PreparePsbRead(**started) : absl::StatusOr<PsbRead>(started.status());
    if (!read.ok()) {
      std::fprintf(stderr, "cannot start the server without the access log: %s\n",
                   read.status().ToString().c_str());
      return 1;
    }
    noaudit_district = std::move(*started);
    noaudit = std::move(*read);
  }

  auto options_for = [&](int c) {
    LoadOptions o;
    o.concurrency = c;
    o.warmup_seconds = warmup;
    o.duration_seconds = duration;
    return o;
  };
  auto progress = [](const LoadResult& r) {
    std::fprintf(stderr, "  %-17s c=%-4d %10.0f ops/s  p99 %.3f ms  errors %llu\n", r.name.c_str(),
                 r.concurrency, r.PerSecond(), r.latency.Percentile(99) / 1e6,
                 static_cast<unsigned long long>(r.errors));
  };
  auto add = [&](const std::string& workload, const std::string& description,
                 const std::string& baseline, LoadResult r) {
    r.name = workload;
    progress(r);
    Row row;
    row.workload = workload;
    row.description = description;
    row.baseline = baseline;
    row.result = std::move(r);
    report.rows.push_back(std::move(row));
  };

  std::atomic<uint64_t> submit_seq{0};
  std::string transfer_case_id;
  bool transition_unavailable = false;
  std::string transition_why;
  if (Selected(only, "transition") && !WorkflowCompiledIn()) {
    transition_unavailable = true;
    transition_why = "no WorkflowService in proto/caselink/v1 at build time";
  }
  const v1::Case sample = testing::SampleCase(v1::MARKET_ORDER);
  std::fprintf(stderr, "caselink_bench: warm-up %.2fs + %.2fs per row\n", warmup, duration);
  for (int c : report.concurrency) {
    LoadOptions o = options_for(c);
    ServerTimes owner_alone, owner_flooded;  // market's GetCase, this concurrency
    if (Selected(only, "echo")) {
      add("echo", "bare gRPC mTLS echo (callback service, inline reply), GetCase-sized messages", "",
          RunAsyncLoad("echo", o, [&](int, Done done) {
            StartUnary<EchoRequest, EchoResponse>(
                [&](auto* ctx, auto* rq, auto* rs, auto cb) {
                  echo_stub->async()->Echo(ctx, rq, rs, std::move(cb));
                },
                echo_req, std::move(done));
          }));
    }
    // The floors: the echo answered from a stored record, without and with
    // the read's entry written first.
    for (bool write_entry : {false, true}) {
      const std::string name = write_entry ? "log_floor" : "read_floor";
      if (floor_store == nullptr || !Selected(only, name)) continue;
      EchoRequest req = echo_req;
      req.set_write_entry(write_entry);
      add(name,
          write_entry ? absl::StrCat("read_floor + a chained ", floor_shape.entry_bytes, "-byte entry and ",
                                     floor_shape.index_keys,
                                     " index keys written (WAL, 10 ms sync) before the answer")
                      : "echo answered from a stored record (RocksDB read, default options)",
          write_entry ? "read_floor" : "echo", RunAsyncLoad(name, o, [&](int, Done done) {
            StartUnary<EchoRequest, EchoResponse>(
                [&](auto* ctx, auto* rq, auto* rs, auto cb) {
                  echo_stub->async()->StoredEcho(ctx, rq, rs, std::move(cb));
                },
                req, std::move(done));
          }));
    }
    if (Selected(only, "getcase_redacted")) {
      add("getcase_redacted", "GetCase as psb of market's MARKET_ORDER case (id numbers masked)",
          "echo", RunGetCaseLoad("getcase_redacted", o, psb->stub.get(), psb_get));
    }
    if (noaudit.has_value()) {
      add("getcase_noaudit", "getcase_redacted against a second server without the access log",
          "getcase_redacted", RunGetCaseLoad("getcase_noaudit", o, noaudit->stub.get(), noaudit->get));
    }
    if (Selected(only, "getcase_owner")) {
      add("getcase_owner", "GetCase as the owner market (generic redaction path, all ALLOW)",
          "echo", RunGetCaseLoad("getcase_owner", o, market_stub.get(), owner_get, &owner_alone));
    }
    if (Selected(only, "getcase_owner_flooded")) {
      // Fairness: market reads at this concurrency while psb floods the
      // server with 64 calls in flight, twice its per-agency limit, sending a
      // new call the moment one returns (refused or not), as a misbehaving
      // integration would.
      // The flood runs in a process of its own (flood_process.h).
      FloodSpec spec;
      spec.target = district.target();
      spec.ca_pem = district.ca().cert_pem();
      auto psb_cert = district.AgencyCert("psb");
      if (!psb_cert.ok()) {
        std::fprintf(stderr, "%s\n", psb_cert.status().ToString().c_str());
        return 1;
      }
      spec.cert_pem = psb_cert->cert_pem;
      spec.key_pem = psb_cert->key_pem;
      spec.request = psb_get.SerializeAsString();
      spec.in_flight = 64;
      spec.seconds = o.warmup_seconds + o.duration_seconds + 0.5;
      auto flood = FloodProcess::Start(spec, district.dir());
      if (!flood.ok()) {
        std::fprintf(stderr, "%s\n", flood.status().ToString().c_str());
        return 1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      add("getcase_owner_flooded",
          "GetCase as market while psb floods with 64 calls in flight (limit 32 per agency) from "
          "a process of its own",
          "getcase_owner", RunGetCaseLoad("getcase_owner_flooded", o, market_stub.get(), owner_get,
                                          &owner_flooded));
      auto flooded = (*flood)->Wait();
      if (!flooded.ok()) {
        std::fprintf(stderr, "%s\n", flooded.status().ToString().c_str());
        return 1;
      }
      std::fprintf(stderr, "  psb's flood: %.0f calls/s served, %.0f/s refused over its limit\n",
                   flooded->ok / spec.seconds, flooded->errors / spec.seconds);
      // Where market's wait under the flood is: in the server (its queues,
      // the gate, the log) or outside it (transport, the shared cores).
      std::fprintf(stderr,
                   "  getcase_owner @%d server-side p99 (caselink-server-micros): alone %.3f ms, "
                   "under psb's flood %.3f ms\n",
                   o.concurrency, owner_alone.P99Ms(), owner_flooded.P99Ms());
    }
    if (Selected(only, "submitcase")) {
      add("submitcase", "SubmitCase as market, a new case per call (durable: synced commit)",
          "rocksdb_put", RunAsyncLoad("submitcase", o, [&](int slot, Done done) {
            v1::SubmitCaseRequest req;
            req.set_request_id(absl::StrCat("bench-", c, "-", slot, "-", submit_seq.fetch_add(1)));
            *req.mutable_case_() = sample;
            StartUnary<v1::SubmitCaseRequest, v1::SubmitCaseResponse>(
                [&](auto* ctx, auto* rq, auto* rs, auto cb) {
                  market_stub->async()->SubmitCase(ctx, rq, rs, std::move(cb));
                },
                req, std::move(done));
          }));
    }
    if (Selected(only, "transition") && !transition_unavailable) {
      // A second case of market, so the transfers' links never change what
      // psb sees of the case the GetCase rows read.
      if (transfer_case_id.empty()) {
        auto other = SubmitMarketCase(district);
        if (!other.ok()) {
          std::fprintf(stderr, "setup SubmitCase failed: %s\n", other.status().ToString().c_str());
          return 1;
        }
        transfer_case_id = *other;
      }
      auto r = RunTransitions(*market_channel, psb->channel, "psb", transfer_case_id, o);
      if (r.ok()) {
        add("transition", "durable workflow transition (ActOnTransfer, forward transfer cycle)",
            "rocksdb_put", std::move(*r));
      } else {
        transition_unavailable = true;
        transition_why = r.status().ToString();
        std::fprintf(stderr, "  transition: not available: %s\n", transition_why.c_str());
      }
    }
    if (Selected(only, "rocksdb_put")) {
      auto r = RunRocksDbSyncedPuts(district.dir() + "/raw-rocksdb-" + std::to_string(c), o);
      if (!r.ok()) {
        std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
        return 1;
      }
      add("rocksdb_put", "raw RocksDB synced single-key Put, 400-byte values, N threads", "",
          std::move(*r));
    }
  }
  if (transition_unavailable) {
    Row todo;
    todo.workload = "transition";
    todo.description = "durable workflow transition (ActOnTransfer, forward transfer cycle)";
    todo.available = false;
    todo.note = absl::StrCat("not yet available: ", transition_why);
    report.rows.push_back(todo);
  }
  if (Selected(only, "redaction_micro")) {
    double per_variant = std::min(std::max(duration / 5, 0.05), 1.0);
    auto micro = RunRedactionMicro(testing::TestDistrict::ExamplePolicyText(), *as_owner,
                                   per_variant);
    if (!micro.ok()) {
      std::fprintf(stderr, "redaction micro-benchmark: %s\n", micro.status().ToString().c_str());
      return 1;
    }
    report.micro_run = true;
    report.micro = std::move(*micro);
  }

  report.machine.load_after = MachineInfo::LoadAverage1m();
  report.Evaluate();
  report.PrintTable(stdout);
  std::fflush(stdout);
  if (!json_path.empty()) {
    absl::Status s = report.WriteJson(json_path);
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 1;
    }
    std::fprintf(stderr, "wrote %s\n", json_path.c_str());
  }
  if (report.AnyErrors()) {
    std::fprintf(stderr, "caselink_bench: some calls failed (see the errors column)\n");
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace caselink::bench

int main(int argc, char** argv) {
  // The in-process server runs with caselinkd's allocator settings, and so
  // does the echo baseline beside it (the same process).
  caselink::server::ApplyAllocatorSettings();
  return caselink::bench::Main(argc, argv);
}
