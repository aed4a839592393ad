// The results of one caselink_bench run and their two renderings: a table on
// the terminal and a JSON document (--json). Each caselink figure is shown as
// a ratio to its baseline at the same concurrency; the goals of issue 19 are
// evaluated from the same rows.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "goals.h"
#include "load_driver.h"
#include "redaction_micro.h"

namespace caselink::bench {

struct MachineInfo {
  int nproc = 0;
  std::string cpu_model;
  double ram_gib = 0;
  std::string date_utc;  // ISO 8601
  std::string build_type;
  std::string command;   // argv joined
  // /proc/loadavg's 1-minute figure before and after the run: other work on
  // the same cores (builds, tests) skews every row, so the report says so.
  double load_before = -1;
  double load_after = -1;
  static MachineInfo Probe(int argc, char** argv);
  static double LoadAverage1m();
};

struct Row {
  std::string workload;     // echo, getcase_redacted, getcase_noaudit, getcase_owner, submitcase, ...
  std::string description;
  bool available = true;    // false: a TODO row (e.g. the RPC does not exist yet)
  std::string note;
  LoadResult result;
  std::string baseline;     // workload whose figure at the same concurrency is the denominator
  double ratio = -1;        // < 0: not computed
};

struct Report {
  MachineInfo machine;
  double warmup_seconds = 0;
  double duration_seconds = 0;
  std::vector<int> concurrency;
  size_t get_request_bytes = 0;
  size_t get_response_bytes = 0;
  std::vector<std::string> masked_fields_over_rpc;  // what psb's GetCase came back with masked
  std::vector<Row> rows;
  bool micro_run = false;
  RedactionMicro micro;
  std::vector<Goal> goals;
  // What the same run says bounds the goals (the log_floor row against the
  // echo); empty when those rows were not run.
  std::vector<std::string> bounds;

  // Fills Row::ratio from the baseline rows, evaluates the goals, states the bounds.
  void Evaluate();
  void PrintTable(std::FILE* out) const;
  absl::Status WriteJson(const std::string& path) const;
  bool AnyErrors() const;
};

}  // namespace caselink::bench
