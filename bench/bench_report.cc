#include "bench_report.h"

#include <cmath>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"

namespace caselink::bench {
namespace {

std::string JsonNumber(double v) {
  if (!std::isfinite(v)) return "null";
  return absl::StrFormat("%.6g", v);
}

double Ms(double nanos) { return nanos / 1e6; }

const Row* Find(const std::vector<Row>& rows, const std::string& workload, int concurrency) {
  for (const Row& r : rows) {
    if (r.workload == workload && r.result.concurrency == concurrency && r.available &&
        r.result.ok > 0) {
      return &r;
    }
  }
  return nullptr;
}

double P(const Row& r, double percentile) { return Ms(r.result.latency.Percentile(percentile)); }

std::string Needs(const std::string& a, const std::string& b, int concurrency) {
  return absl::StrCat("needs ", a, " and ", b, " rows at concurrency ", concurrency);
}

// Reads as psb must keep up with the bare transport: the redaction, policy
// and access log together may cost at most 30% of echo's throughput and
// double its tail.
Goal RedactedThroughputGoal(const std::vector<Row>& rows) {
  const std::string text = "getcase_redacted @32: QPS >= 70% of bare mTLS echo and p99 <= 2x echo's p99";
  const Row* get = Find(rows, "getcase_redacted", 32);
  const Row* echo = Find(rows, "echo", 32);
  if (get == nullptr || echo == nullptr) return Goal::NotMeasured(text, Needs("getcase_redacted", "echo", 32));
  const double share = get->result.PerSecond() / echo->result.PerSecond();
  const double tail = P(*get, 99) / P(*echo, 99);
  return Goal::Judged(text, share >= 0.70 && tail <= 2.0,
                      absl::StrFormat("%.0f%% of echo (%.0f vs %.0f/s), p99 %.2f vs %.2f ms (x%.2f)",
                                      share * 100, get->result.PerSecond(), echo->result.PerSecond(),
                                      P(*get, 99), P(*echo, 99), tail));
}

// One read alone, sharing the access log's fsync with no other call: the
// latency a person at a desk waits for.
Goal RedactedLatencyGoal(const std::vector<Row>& rows) {
  const std::string text = "getcase_redacted @1: p50 <= 2x bare mTLS echo's p50";
  const Row* get = Find(rows, "getcase_redacted", 1);
  const Row* echo = Find(rows, "echo", 1);
  if (get == nullptr || echo == nullptr) return Goal::NotMeasured(text, Needs("getcase_redacted", "echo", 1));
  const double x = P(*get, 50) / P(*echo, 50);
  return Goal::Judged(text, x <= 2.0,
                      absl::StrFormat("p50 %.3f vs %.3f ms (x%.2f)", P(*get, 50), P(*echo, 50), x));
}

// A durable write (SubmitCase, a transition) against what RocksDB alone
// commits with the same fsync discipline.
Goal DurableWriteGoal(const std::vector<Row>& rows, const std::string& workload) {
  const std::string text =
      absl::StrCat(workload, " @32: ops/s >= 50% of raw RocksDB synced puts @32");
  const Row* w = Find(rows, workload, 32);
  const Row* raw = Find(rows, "rocksdb_put", 32);
  if (w == nullptr || raw == nullptr) return Goal::NotMeasured(text, Needs(workload, "rocksdb_put", 32));
  const double share = w->result.PerSecond() / raw->result.PerSecond();
  return Goal::Judged(text, share >= 0.5,
                      absl::StrFormat("%.0f%% (%.0f vs %.0f/s)", share * 100, w->result.PerSecond(),
                                      raw->result.PerSecond()));
}

// The access log's price on a read: the same GetCase against a server with
// and without it, at the same concurrency.
Goal AccessLogCostGoal(const std::vector<Row>& rows, int concurrency) {
  const std::string text = absl::StrCat("access log cost @", concurrency,
                                        " <= 15% (GetCase as psb: 1 - QPS with the log / QPS without)");
  const Row* with_log = Find(rows, "getcase_redacted", concurrency);
  const Row* without = Find(rows, "getcase_noaudit", concurrency);
  if (with_log == nullptr || without == nullptr) {
    return Goal::NotMeasured(text, Needs("getcase_redacted", "getcase_noaudit", concurrency));
  }
  const double cost = 1 - with_log->result.PerSecond() / without->result.PerSecond();
  return Goal::Judged(text, cost <= 0.15,
                      absl::StrFormat("%.1f%% (%.0f/s with the log, %.0f/s without)", cost * 100,
                                      with_log->result.PerSecond(), without->result.PerSecond()));
}

// One agency's flood may slow another's reads, but only within bounds.
Goal FloodGoal(const std::vector<Row>& rows) {
  const std::string text =
      "getcase_owner_flooded @1: market's p99 while psb floods (64 in flight) <= 3x its p99 alone";
  const Row* flooded = Find(rows, "getcase_owner_flooded", 1);
  const Row* alone = Find(rows, "getcase_owner", 1);
  if (flooded == nullptr || alone == nullptr) {
    return Goal::NotMeasured(text, Needs("getcase_owner_flooded", "getcase_owner", 1));
  }
  const double x = P(*flooded, 99) / P(*alone, 99);
  return Goal::Judged(text, x <= 3.0,
                      absl::StrFormat("p99 %.2f ms under flood vs %.2f ms alone (x%.2f), %.0f vs %.0f calls/s",
                                      P(*flooded, 99), P(*alone, 99), x, flooded->result.PerSecond(),
                                      alone->result.PerSecond()));
}

// The floors beside the echo: what any design that reads a stored record
// and writes an entry per read before answering reaches on these cores, next
// to the goals' thresholds (70 % of the echo @32, 2x its p50 @1, a log cost
// of 15 %).
std::vector<std::string> FloorBounds(const std::vector<Row>& rows) {
  std::vector<std::string> out;
  if (const Row* floor = Find(rows, "log_floor", 32), *echo = Find(rows, "echo", 32);
      floor != nullptr && echo != nullptr) {
    out.push_back(absl::StrFormat(
        "log_floor @32: %.0f%% of echo (%.0f vs %.0f/s; %.1f vs %.1f us CPU per call); "
        "getcase_redacted's goal is 70%%",
        100 * floor->result.PerSecond() / echo->result.PerSecond(), floor->result.PerSecond(),
        echo->result.PerSecond(), floor->result.CpuMicrosPerOp(), echo->result.CpuMicrosPerOp()));
  }
  if (const Row* floor = Find(rows, "log_floor", 1), *echo = Find(rows, "echo", 1);
      floor != nullptr && echo != nullptr) {
    out.push_back(absl::StrFormat("log_floor @1: p50 %.3f vs %.3f ms (x%.2f); getcase_redacted's goal is x2",
                                  P(*floor, 50), P(*echo, 50), P(*floor, 50) / P(*echo, 50)));
  }
  for (const Row& r : rows) {
    if (r.workload != "log_floor") continue;
    const Row* read = Find(rows, "read_floor", r.result.concurrency);
    if (read == nullptr || read->result.PerSecond() <= 0) continue;
    out.push_back(absl::StrFormat(
        "the floor's own log cost @%d: %.1f%% (1 - log_floor / read_floor: %.0f vs %.0f/s); the goal is 15%%",
        r.result.concurrency, 100 * (1 - r.result.PerSecond() / read->result.PerSecond()),
        r.result.PerSecond(), read->result.PerSecond()));
  }
  return out;
}

}  // namespace

MachineInfo MachineInfo::Probe(int argc, char** argv) {
  MachineInfo m;
  m.nproc = static_cast<int>(std::thread::hardware_concurrency());
  std::ifstream cpu("/proc/cpuinfo");
  for (std::string line; std::getline(cpu, line);) {
    if (absl::StartsWith(line, "model name")) {
      m.cpu_model = std::string(absl::StripAsciiWhitespace(line.substr(line.find(':') + 1)));
      break;
    }
  }
  std::ifstream mem("/proc/meminfo");
  for (std::string line; std::getline(mem, line);) {
    if (absl::StartsWith(line, "MemTotal:")) {
      std::istringstream in(line.substr(9));
      double kib = 0;
      in >> kib;
      m.ram_gib = kib / (1024.0 * 1024.0);
      break;
    }
  }
  std::time_t now = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  m.date_utc = buf;
#ifdef CASELINK_BENCH_BUILD_TYPE
  m.build_type = CASELINK_BENCH_BUILD_TYPE;
#endif
  std::vector<std::string> args(argv, argv + argc);
  m.command = absl::StrJoin(args, " ");
  m.load_before = LoadAverage1m();
  return m;
}

double MachineInfo::LoadAverage1m() {
  std::ifstream in("/proc/loadavg");
  double load = -1;
  in >> load;
  return in ? load : -1;
}

void Report::Evaluate() {
  for (Row& r : rows) {
    if (!r.available || r.baseline.empty() || r.result.ok == 0) continue;
    const Row* base = Find(rows, r.baseline, r.result.concurrency);
    if (base != nullptr && base->result.PerSecond() > 0) {
      r.ratio = r.result.PerSecond() / base->result.PerSecond();
    }
  }
  // The goals of issue 19 ("Speed").
  goals = {RedactedThroughputGoal(rows), RedactedLatencyGoal(rows),
           DurableWriteGoal(rows, "submitcase"), DurableWriteGoal(rows, "transition")};
  for (int c : concurrency) goals.push_back(AccessLogCostGoal(rows, c));
  goals.push_back(FloodGoal(rows));
  bounds = FloorBounds(rows);
}

bool Report::AnyErrors() const {
  for (const Row& r : rows) {
    if (r.result.errors > 0) return true;
  }
  return false;
}

void Report::PrintTable(std::FILE* out) const {
  std::fprintf(out, "\ncaselink_bench  %s  %d cores (%s), %.1f GiB RAM, build %s\n",
               machine.date_utc.c_str(), machine.nproc, machine.cpu_model.c_str(), machine.ram_gib,
               machine.build_type.empty() ? "?" : machine.build_type.c_str());
  std::fprintf(out, "warm-up %.2fs, measured %.2fs per row; client and server share this machine\n",
               warmup_seconds, duration_seconds);
  std::fprintf(out, "1-min load average: %.2f before, %.2f after%s\n", machine.load_before,
               machine.load_after,
               machine.load_before > 0.5 * machine.nproc || machine.load_after > 0.5 * machine.nproc + 2
                   ? "  (WARNING: other work shared the cores; figures are pessimistic)"
                   : "");
  std::fprintf(out, "GetCase request %zu B, response %zu B (echo moves the same sizes)\n\n",
               get_request_bytes, get_response_bytes);
  std::fprintf(out, "%-17s %5s %10s %8s %8s %8s %8s %8s %6s %7s  %-26s\n", "workload", "conc", "ops/s",
               "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "errors", "cpu us", "ratio to baseline");
  std::fprintf(out, "%s\n", std::string(128, '-').c_str());
  for (const Row& r : rows) {
    if (!r.available) {
      std::fprintf(out, "%-17s %5s %10s  TODO: %s\n", r.workload.c_str(), "-", "-", r.note.c_str());
      continue;
    }
    const LatencyHistogram& h = r.result.latency;
    std::string ratio = "-";
    if (r.ratio >= 0) ratio = absl::StrFormat("%.2f x %s", r.ratio, r.baseline);
    std::fprintf(out, "%-17s %5d %10.0f %8.3f %8.3f %8.3f %8.3f %8.3f %6llu %7.1f  %-26s\n",
                 r.workload.c_str(), r.result.concurrency, r.result.PerSecond(),
                 Ms(h.Percentile(50)), Ms(h.Percentile(90)), Ms(h.Percentile(99)),
                 Ms(h.Percentile(99.9)), Ms(static_cast<double>(h.max())),
                 static_cast<unsigned long long>(r.result.errors), r.result.CpuMicrosPerOp(), ratio.c_str());
    if (r.result.errors > 0) {
      std::fprintf(out, "%17s first error: %s\n", "", r.result.first_error.c_str());
    }
  }
  if (micro_run) {
    std::fprintf(out, "\nredaction micro-benchmark (in-process, real Authorizer, example policy)\n");
    for (const MicroResult& m : micro.rows) {
      std::fprintf(out, "  %-50s %9.0f ns/op  (%llu iterations)\n", m.name.c_str(), m.ns_per_op,
                   static_cast<unsigned long long>(m.iterations));
    }
    std::fprintf(out, "  => redaction per GetCase: %.0f ns as psb (masked: %s), %.0f ns as owner\n",
                 micro.redaction_ns_psb, absl::StrJoin(micro.masked_fields, ", ").c_str(),
                 micro.redaction_ns_owner);
  }
  PrintGoals(out, "issue 19", goals);
  if (!bounds.empty()) {
    std::fprintf(out, "\nbounds (same run, no caselink code: read_floor = the echo answered from a stored record, "
                      "log_floor = the same with an entry and its index keys written before the answer)\n");
    for (const std::string& b : bounds) std::fprintf(out, "  %s\n", b.c_str());
  }
  std::fprintf(out, "\n");
}

absl::Status Report::WriteJson(const std::string& path) const {
  std::string j = "{\n";
  absl::StrAppend(&j, "  \"machine\": {\"nproc\": ", machine.nproc,
                  ", \"cpu_model\": ", JsonString(machine.cpu_model),
                  ", \"ram_gib\": ", JsonNumber(machine.ram_gib),
                  ", \"date_utc\": ", JsonString(machine.date_utc),
                  ", \"build_type\": ", JsonString(machine.build_type),
                  ", \"command\": ", JsonString(machine.command),
                  ", \"load_average_1m_before\": ", JsonNumber(machine.load_before),
                  ", \"load_average_1m_after\": ", JsonNumber(machine.load_after),
                  ", \"note\": \"client and server run in one process on the same cores\"},\n");
  absl::StrAppend(&j, "  \"warmup_seconds\": ", JsonNumber(warmup_seconds),
                  ",\n  \"duration_seconds\": ", JsonNumber(duration_seconds),
                  ",\n  \"concurrency\": [", absl::StrJoin(concurrency, ", "), "],\n");
  absl::StrAppend(&j, "  \"getcase_request_bytes\": ", get_request_bytes,
                  ",\n  \"getcase_response_bytes\": ", get_response_bytes, ",\n");
  std::vector<std::string> masked;
  for (const auto& m : masked_fields_over_rpc) masked.push_back(JsonString(m));
  absl::StrAppend(&j, "  \"getcase_redacted_masked_fields\": [", absl::StrJoin(masked, ", "), "],\n");
  absl::StrAppend(&j, "  \"rows\": [\n");
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    const LatencyHistogram& h = r.result.latency;
    absl::StrAppend(&j, "    {\"workload\": ", JsonString(r.workload),
                    ", \"description\": ", JsonString(r.description),
                    ", \"available\": ", r.available ? "true" : "false");
    if (!r.available) {
      absl::StrAppend(&j, ", \"note\": ", JsonString(r.note), "}");
    } else {
      absl::StrAppend(
          &j, ", \"concurrency\": ", r.result.concurrency, ", \"seconds\": ",
          JsonNumber(r.result.seconds), ", \"ok\": ", r.result.ok, ", \"errors\": ", r.result.errors,
          ", \"first_error\": ", JsonString(r.result.first_error), ", \"ops_per_second\": ",
          JsonNumber(r.result.PerSecond()), ", \"cpu_micros_per_op\": ", JsonNumber(r.result.CpuMicrosPerOp()),
          ", \"latency_ms\": {\"p50\": ",
          JsonNumber(Ms(h.Percentile(50))), ", \"p90\": ", JsonNumber(Ms(h.Percentile(90))),
          ", \"p99\": ", JsonNumber(Ms(h.Percentile(99))), ", \"p99_9\": ",
          JsonNumber(Ms(h.Percentile(99.9))), ", \"max\": ",
          JsonNumber(Ms(static_cast<double>(h.max()))), "}, \"baseline\": ",
          r.baseline.empty() ? "null" : JsonString(r.baseline),
          ", \"ratio_to_baseline\": ", r.ratio >= 0 ? JsonNumber(r.ratio) : "null", "}");
    }
    absl::StrAppend(&j, i + 1 < rows.size() ? ",\n" : "\n");
  }
  absl::StrAppend(&j, "  ],\n");
  if (micro_run) {
    absl::StrAppend(&j, "  \"redaction_micro\": {\"rows\": [");
    for (size_t i = 0; i < micro.rows.size(); ++i) {
      const MicroResult& m = micro.rows[i];
      absl::StrAppend(&j, i ? ", " : "", "{\"name\": ", JsonString(m.name),
                      ", \"ns_per_op\": ", JsonNumber(m.ns_per_op),
                      ", \"iterations\": ", m.iterations, "}");
    }
    std::vector<std::string> mf;
    for (const auto& m : micro.masked_fields) mf.push_back(JsonString(m));
    absl::StrAppend(&j, "], \"redaction_ns_per_getcase_psb\": ", JsonNumber(micro.redaction_ns_psb),
                    ", \"redaction_ns_per_getcase_owner\": ", JsonNumber(micro.redaction_ns_owner),
                    ", \"masked_fields\": [", absl::StrJoin(mf, ", "), "]},\n");
  } else {
    absl::StrAppend(&j, "  \"redaction_micro\": null,\n");
  }
  std::vector<std::string> bound_strings;
  for (const auto& b : bounds) bound_strings.push_back(JsonString(b));
  absl::StrAppend(&j, "  \"bounds\": [", absl::StrJoin(bound_strings, ", "), "],\n");
  absl::StrAppend(&j, "  \"goals\": ", GoalsJson(goals, "  "), "\n}\n");
  std::ofstream out(path, std::ios::trunc);
  out << j;
  out.close();
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

}  // namespace caselink::bench
