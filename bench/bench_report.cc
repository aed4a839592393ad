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

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

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
  goals.clear();
  // Issue 8: GetCase QPS >= 70% of bare echo with p99 < 5 ms at 32 in flight.
  for (const char* w : {"getcase_redacted", "getcase_owner"}) {
    Goal g;
    g.text = absl::StrCat(w, " @32: QPS >= 70% of bare mTLS echo and p99 < 5 ms");
    const Row* get = Find(rows, w, 32);
    const Row* echo = Find(rows, "echo", 32);
    if (get != nullptr && echo != nullptr) {
      double ratio = get->result.PerSecond() / echo->result.PerSecond();
      double p99 = Ms(get->result.latency.Percentile(99));
      g.evaluated = true;
      g.met = ratio >= 0.70 && p99 < 5.0;
      g.detail = absl::StrFormat("%.0f%% of echo (%.0f vs %.0f/s), p99 %.2f ms", ratio * 100,
                                 get->result.PerSecond(), echo->result.PerSecond(), p99);
    } else {
      g.detail = "needs getcase and echo rows at concurrency 32";
    }
    goals.push_back(g);
  }
  // One agency's flood must not push another's p99 over the GetCase goal.
  {
    Goal g;
    g.text = "getcase_owner_flooded @1: market's GetCase p99 < 5 ms while psb floods (64 in flight)";
    const Row* f = Find(rows, "getcase_owner_flooded", 1);
    const Row* alone = Find(rows, "getcase_owner", 1);
    if (f != nullptr) {
      const double p99 = Ms(f->result.latency.Percentile(99));
      g.evaluated = true;
      g.met = p99 < 5.0;
      g.detail = absl::StrFormat("p99 %.2f ms under flood (%.2f ms alone), %.0f vs %.0f calls/s", p99,
                                 alone ? Ms(alone->result.latency.Percentile(99)) : -1.0,
                                 f->result.PerSecond(), alone ? alone->result.PerSecond() : -1.0);
    } else {
      g.detail = "needs a getcase_owner_flooded row at concurrency 1";
    }
    goals.push_back(g);
  }
  // Writes at 32 clients >= half of raw RocksDB synced puts at 32 threads and
  // >= 4x the 1-client figure.
  for (const char* w : {"submitcase", "transition"}) {
    Goal half;
    half.text = absl::StrCat(w, " @32: writes/s >= 50% of raw RocksDB synced puts @32");
    Goal scale;
    scale.text = absl::StrCat(w, " @32: writes/s >= 4x its own @1");
    const Row* w32 = Find(rows, w, 32);
    const Row* w1 = Find(rows, w, 1);
    const Row* raw32 = Find(rows, "rocksdb_put", 32);
    if (w32 != nullptr && raw32 != nullptr) {
      double ratio = w32->result.PerSecond() / raw32->result.PerSecond();
      half.evaluated = true;
      half.met = ratio >= 0.5;
      half.detail = absl::StrFormat("%.0f%% (%.0f vs %.0f/s)", ratio * 100, w32->result.PerSecond(),
                                    raw32->result.PerSecond());
    } else {
      half.detail = absl::StrCat("needs ", w, " and rocksdb_put rows at concurrency 32");
    }
    if (w32 != nullptr && w1 != nullptr) {
      double x = w32->result.PerSecond() / w1->result.PerSecond();
      scale.evaluated = true;
      scale.met = x >= 4.0;
      scale.detail = absl::StrFormat("%.1fx (%.0f vs %.0f/s)", x, w32->result.PerSecond(),
                                     w1->result.PerSecond());
    } else {
      scale.detail = absl::StrCat("needs ", w, " rows at concurrency 1 and 32");
    }
    goals.push_back(half);
    goals.push_back(scale);
  }
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
  std::fprintf(out, "%-17s %5s %10s %8s %8s %8s %8s %8s %6s  %-26s\n", "workload", "conc", "ops/s",
               "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "errors", "ratio to baseline");
  std::fprintf(out, "%s\n", std::string(120, '-').c_str());
  for (const Row& r : rows) {
    if (!r.available) {
      std::fprintf(out, "%-17s %5s %10s  TODO: %s\n", r.workload.c_str(), "-", "-", r.note.c_str());
      continue;
    }
    const LatencyHistogram& h = r.result.latency;
    std::string ratio = "-";
    if (r.ratio >= 0) ratio = absl::StrFormat("%.2f x %s", r.ratio, r.baseline);
    std::fprintf(out, "%-17s %5d %10.0f %8.3f %8.3f %8.3f %8.3f %8.3f %6llu  %-26s\n",
                 r.workload.c_str(), r.result.concurrency, r.result.PerSecond(),
                 Ms(h.Percentile(50)), Ms(h.Percentile(90)), Ms(h.Percentile(99)),
                 Ms(h.Percentile(99.9)), Ms(static_cast<double>(h.max())),
                 static_cast<unsigned long long>(r.result.errors), ratio.c_str());
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
  std::fprintf(out, "\ngoals (issue 8)\n");
  for (const Goal& g : goals) {
    std::fprintf(out, "  [%s] %s: %s\n", !g.evaluated ? "n/a " : (g.met ? "MET " : "MISS"),
                 g.text.c_str(), g.detail.c_str());
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
          JsonNumber(r.result.PerSecond()), ", \"latency_ms\": {\"p50\": ",
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
  absl::StrAppend(&j, "  \"goals\": [\n");
  for (size_t i = 0; i < goals.size(); ++i) {
    const Goal& g = goals[i];
    absl::StrAppend(&j, "    {\"goal\": ", JsonString(g.text), ", \"evaluated\": ",
                    g.evaluated ? "true" : "false", ", \"met\": ", g.met ? "true" : "false",
                    ", \"detail\": ", JsonString(g.detail), "}", i + 1 < goals.size() ? ",\n" : "\n");
  }
  absl::StrAppend(&j, "  ]\n}\n");
  std::ofstream out(path, std::ios::trunc);
  out << j;
  out.close();
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

}  // namespace caselink::bench
