// FaultInjectionFs: a RocksDB FileSystem that passes everything to the real
// one until a test asks it to fail. It can make the writes (Append,
// PositionedAppend, Flush) or the syncs (Sync, Fsync, RangeSync) of writable
// files fail, with a plain I/O error or with NoSpace (ENOSPC, a full disk),
// for every file, only the write-ahead log (*.log) or only files below one
// directory (a backup's), from now or after so many more operations succeed
// (to fail in the middle of a multi-file job). A failed operation
// changes nothing on disk, so what RocksDB acknowledged before is intact and
// a reopen with the healthy file system finds it. Modelled on LevelDB's
// fault-injection test Env. Thread-safe.
//
// Example:
//   auto fs = std::make_shared<FaultInjectionFs>(rocksdb::FileSystem::Default());
//   std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
//   auto db = storage::Database::Open(path, env.get());
//   fs->FailWrites(Fault::kNoSpace);   // the disk is full from now on
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

namespace caselink::testing {

enum class Fault {
  kNone,
  kIoError,  // IOStatus::IOError: a failing device
  kNoSpace,  // IOStatus::NoSpace: ENOSPC, the disk is full
};

// Which files a fault applies to.
enum class FaultScope {
  kAllFiles,
  kWalOnly,  // the write-ahead log (*.log): exactly the writes of DB::Write
  kUnderDirectory,  // files below FaultInjectionFs::set_fault_directory()
};

class FaultInjectionFs : public rocksdb::FileSystemWrapper {
 public:
  explicit FaultInjectionFs(std::shared_ptr<rocksdb::FileSystem> base)
      : rocksdb::FileSystemWrapper(std::move(base)) {}

  static const char* kClassName() { return "CaselinkFaultInjectionFs"; }
  const char* Name() const override { return kClassName(); }

  // From now on, writes (resp. syncs) of files in `scope` fail with `fault`
  // (kNone: they succeed again); with `after` > 0, only once so many more
  // of them have succeeded.
  void FailWrites(Fault fault, FaultScope scope = FaultScope::kAllFiles, int after = 0) {
    write_scope_ = scope;
    write_allowance_ = after;
    write_fault_ = fault;
  }
  void FailSyncs(Fault fault, FaultScope scope = FaultScope::kAllFiles, int after = 0) {
    sync_scope_ = scope;
    sync_allowance_ = after;
    sync_fault_ = fault;
  }
  // The directory of FaultScope::kUnderDirectory.
  void set_fault_directory(const std::string& dir) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock l(&mu_);
    fault_directory_ = dir;
  }
  // Writes (resp. syncs) refused so far.
  int failed_writes() const { return failed_writes_; }
  int failed_syncs() const { return failed_syncs_; }

  // The status an operation on `fname` gets now: OK or the injected fault.
  rocksdb::IOStatus WriteStatus(const std::string& fname);
  rocksdb::IOStatus SyncStatus(const std::string& fname);

  rocksdb::IOStatus NewWritableFile(const std::string& fname, const rocksdb::FileOptions& opts,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& fname, const rocksdb::FileOptions& opts,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& fname, const std::string& old_fname,
                                      const rocksdb::FileOptions& opts,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override;

 private:
  static rocksdb::IOStatus Make(Fault fault, const std::string& fname, const char* op);
  bool InScope(FaultScope scope, const std::string& fname) ABSL_LOCKS_EXCLUDED(mu_);

  std::atomic<Fault> write_fault_{Fault::kNone};
  std::atomic<FaultScope> write_scope_{FaultScope::kAllFiles};
  std::atomic<Fault> sync_fault_{Fault::kNone};
  std::atomic<FaultScope> sync_scope_{FaultScope::kAllFiles};
  std::atomic<int> write_allowance_{0};
  std::atomic<int> sync_allowance_{0};
  std::atomic<int> failed_writes_{0};
  std::atomic<int> failed_syncs_{0};
  absl::Mutex mu_;
  std::string fault_directory_ ABSL_GUARDED_BY(mu_);
};

// A FaultInjectionFs over the default file system and the Env that uses it
// (what storage::Database::Open and server::ServerHooks take).
struct FaultInjectionEnv {
  FaultInjectionEnv();
  std::shared_ptr<FaultInjectionFs> fs;
  std::unique_ptr<rocksdb::Env> env;
};

}  // namespace caselink::testing
