// A closed-loop load driver: keeps exactly `concurrency` calls in flight (each
// "slot" starts its next call from the completion of its previous one), runs
// a warm-up, then measures a fixed window. Latency is recorded per slot into
// a LatencyHistogram and merged; throughput counts the calls that completed
// inside the window. Also used for thread-based loads (raw RocksDB puts),
// where each slot is a thread that calls synchronously.
//
// Bounded in time: slots stop starting calls at the end of the window; if the
// calls in flight do not all finish within `drain_timeout` the process is
// stopped with an error (a benchmark must never hang).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "latency_histogram.h"

namespace caselink::bench {

struct LoadOptions {
  int concurrency = 1;
  double warmup_seconds = 1;
  double duration_seconds = 5;
  double drain_timeout_seconds = 30;
};

struct LoadResult {
  std::string name;
  int concurrency = 0;
  double seconds = 0;       // length of the measured window
  uint64_t ok = 0;          // successful calls completed in the window
  uint64_t errors = 0;      // failed calls (whole run, warm-up included)
  std::string first_error;
  LatencyHistogram latency; // successful calls completed in the window
  // The process's CPU time (user + system, every thread: the client, the
  // server and the baselines share this process) over the window. Steadier
  // than ops/s on a shared machine: it counts work, not waiting for a core.
  double cpu_seconds = 0;
  double PerSecond() const { return seconds > 0 ? static_cast<double>(ok) / seconds : 0; }
  // Microseconds of CPU (client and server together) per completed call.
  double CpuMicrosPerOp() const { return ok > 0 ? cpu_seconds * 1e6 / static_cast<double>(ok) : 0; }
};

// Completion of one call: empty `error` means success.
using Done = std::function<void(const std::string& error)>;
// Starts one call for `slot` without blocking and calls `done` exactly once,
// from any thread, when it finishes. A slot whose call fails stops (so an
// unreachable server cannot spin); the failure is counted and reported.
using StartCall = std::function<void(int slot, Done done)>;
// Runs one operation synchronously on the calling thread; returns an error
// message or "".
using SyncCall = std::function<std::string(int thread)>;

// Asynchronous calls (gRPC callback API), `concurrency` in flight.
LoadResult RunAsyncLoad(const std::string& name, const LoadOptions& options, StartCall start);

// `concurrency` threads, each calling `call` in a loop.
LoadResult RunThreadLoad(const std::string& name, const LoadOptions& options, SyncCall call);

}  // namespace caselink::bench
