// Where a process's CPU went, by kind of thread: read from /proc/<pid>/task
// (each thread's utime + stime and its name). Lets the district benchmark say
// what an import's CPU per case is spent on — caselink's own threads (handlers,
// access log, commits), gRPC's, RocksDB's flushes and compactions — instead of
// guessing from rates. Linux only; a thread that ends between two readings
// takes its CPU with it (caselinkd's threads live as long as the server).
#pragma once

#include <sys/types.h>

#include <string>

namespace caselink::bench {

struct ThreadCpu {
  double caselink = 0;    // caselinkd's own threads: the main thread, workers, commit leaders, the syncer
  double grpc = 0;        // gRPC's pollers and callback threads ("nexting_thread", executors, timers)
  double flush = 0;       // RocksDB's high-priority pool ("rocksdb:high")
  double compaction = 0;  // RocksDB's low-priority pool ("rocksdb:low")
  double Total() const { return caselink + grpc + flush + compaction; }
  ThreadCpu operator-(const ThreadCpu& o) const {
    return {caselink - o.caselink, grpc - o.grpc, flush - o.flush, compaction - o.compaction};
  }
};

// CPU seconds (user + system) `pid`'s live threads have used, by kind.
ThreadCpu ThreadCpuOf(pid_t pid);

// CPU seconds (user + system) a /proc stat file counts: /proc/<pid>/stat for
// a whole process (ended threads included), /proc/<pid>/task/<tid>/stat for
// one thread; 0 if it cannot be read.
double StatCpuSeconds(const std::string& stat_path);

// CPU seconds (user + system) this process has used.
double OwnCpuSeconds();

}  // namespace caselink::bench
