#include "load_driver.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>

#include <sys/resource.h>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace caselink::bench {
namespace {

using Clock = std::chrono::steady_clock;

Clock::duration Seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

// What one slot (or thread) saw. Completions of one slot are sequential, so
// no lock is needed.
struct SlotStats {
  LatencyHistogram latency;
  uint64_t ok = 0;
  uint64_t errors = 0;
  std::string first_error;
};

struct Window {
  Clock::time_point measure_start;
  Clock::time_point measure_end;

  // Records one finished call into `s`; true if the slot may start another.
  bool Finish(SlotStats& s, Clock::time_point started, const std::string& error) const {
    Clock::time_point now = Clock::now();
    if (!error.empty()) {
      if (s.errors++ == 0) s.first_error = error;
      return false;
    }
    if (now >= measure_start && now < measure_end) {
      ++s.ok;
      s.latency.Record(static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(now - started).count()));
    }
    return now < measure_end;
  }
};

double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto sec = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return sec(u.ru_utime) + sec(u.ru_stime);
}

// Samples the process's CPU time at the start and end of the window, on a
// thread of its own that sleeps in between.
class CpuMeter {
 public:
  explicit CpuMeter(const Window& w)
      : thread_([this, w] {
          std::this_thread::sleep_until(w.measure_start);
          const double start = ProcessCpuSeconds();
          std::this_thread::sleep_until(w.measure_end);
          seconds_ = ProcessCpuSeconds() - start;
        }) {}
  // Waits for the window's end.
  double Seconds() {
    if (thread_.joinable()) thread_.join();
    return seconds_;
  }
  ~CpuMeter() { Seconds(); }

 private:
  double seconds_ = 0;
  std::thread thread_;
};

LoadResult Collect(const std::string& name, const LoadOptions& o,
                   const std::vector<SlotStats>& slots) {
  LoadResult r;
  r.name = name;
  r.concurrency = o.concurrency;
  r.seconds = o.duration_seconds;
  for (const SlotStats& s : slots) {
    r.ok += s.ok;
    r.errors += s.errors;
    if (r.first_error.empty()) r.first_error = s.first_error;
    r.latency.Merge(s.latency);
  }
  return r;
}

[[noreturn]] void DrainTimeout(const std::string& name) {
  std::fprintf(stderr, "caselink_bench: %s: calls still in flight after the drain timeout; giving up\n",
               name.c_str());
  std::fflush(stderr);
  std::_Exit(3);
}

// Shared by the slots of one asynchronous run; outlives every callback.
struct AsyncRun {
  Window window;
  StartCall start;
  std::vector<SlotStats> slots;
  absl::Mutex mu;
  int running ABSL_GUARDED_BY(mu) = 0;  // slots whose calls have not ended

  bool AllEnded() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { return running == 0; }

  void Issue(int slot) {
    Clock::time_point started = Clock::now();
    start(slot, [this, slot, started](const std::string& error) {
      if (window.Finish(slots[slot], started, error)) {
        Issue(slot);
        return;
      }
      absl::MutexLock lock(&mu);
      --running;
    });
  }
};

}  // namespace

LoadResult RunAsyncLoad(const std::string& name, const LoadOptions& o, StartCall start) {
  // Leaked on a drain timeout (callbacks may still reference it); the process exits then.
  auto run = std::make_unique<AsyncRun>();
  run->start = std::move(start);
  run->slots.resize(o.concurrency);
  {
    absl::MutexLock lock(&run->mu);
    run->running = o.concurrency;
  }
  Clock::time_point t0 = Clock::now();
  run->window.measure_start = t0 + Seconds(o.warmup_seconds);
  run->window.measure_end = run->window.measure_start + Seconds(o.duration_seconds);
  CpuMeter cpu(run->window);
  for (int i = 0; i < o.concurrency; ++i) run->Issue(i);
  {
    const Clock::time_point deadline = run->window.measure_end + Seconds(o.drain_timeout_seconds);
    absl::MutexLock lock(&run->mu);
    if (!run->mu.AwaitWithTimeout(absl::Condition(run.get(), &AsyncRun::AllEnded),
                                  absl::FromChrono(deadline - Clock::now()))) {
      DrainTimeout(name);
    }
  }
  LoadResult r = Collect(name, o, run->slots);
  r.cpu_seconds = cpu.Seconds();
  return r;
}

LoadResult RunThreadLoad(const std::string& name, const LoadOptions& o, SyncCall call) {
  std::vector<SlotStats> slots(o.concurrency);
  Window window;
  Clock::time_point t0 = Clock::now();
  window.measure_start = t0 + Seconds(o.warmup_seconds);
  window.measure_end = window.measure_start + Seconds(o.duration_seconds);
  std::atomic<int> running{o.concurrency};
  CpuMeter cpu(window);
  std::vector<std::thread> threads;
  for (int i = 0; i < o.concurrency; ++i) {
    threads.emplace_back([&, i] {
      for (;;) {
        Clock::time_point started = Clock::now();
        std::string error = call(i);
        if (!window.Finish(slots[i], started, error)) break;
      }
      running.fetch_sub(1);
    });
  }
  // Bounded: a thread stuck in one call past the drain timeout ends the process.
  Clock::time_point give_up = window.measure_end + Seconds(o.drain_timeout_seconds);
  while (running.load() > 0) {
    if (Clock::now() > give_up) DrainTimeout(name);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (auto& t : threads) t.join();
  LoadResult r = Collect(name, o, slots);
  r.cpu_seconds = cpu.Seconds();
  return r;
}

}  // namespace caselink::bench
