#include "support/fault_injection_fs.h"

#include "absl/strings/match.h"

namespace caselink::testing {
namespace {

using rocksdb::DataVerificationInfo;
using rocksdb::FSWritableFile;
using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

// A writable file whose writes and syncs ask the file system first; a
// refused operation never reaches the real file.
class FaultWritableFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultWritableFile(std::unique_ptr<FSWritableFile> base, std::string fname, FaultInjectionFs* fs)
      : FSWritableFileOwnerWrapper(std::move(base)), fname_(std::move(fname)), fs_(fs) {}

  IOStatus Append(const Slice& data, const IOOptions& o, IODebugContext* dbg) override {
    IOStatus s = fs_->WriteStatus(fname_);
    return s.ok() ? target()->Append(data, o, dbg) : s;
  }
  IOStatus Append(const Slice& data, const IOOptions& o, const DataVerificationInfo& v,
                  IODebugContext* dbg) override {
    IOStatus s = fs_->WriteStatus(fname_);
    return s.ok() ? target()->Append(data, o, v, dbg) : s;
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& o,
                            IODebugContext* dbg) override {
    IOStatus s = fs_->WriteStatus(fname_);
    return s.ok() ? target()->PositionedAppend(data, offset, o, dbg) : s;
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& o,
                            const DataVerificationInfo& v, IODebugContext* dbg) override {
    IOStatus s = fs_->WriteStatus(fname_);
    return s.ok() ? target()->PositionedAppend(data, offset, o, v, dbg) : s;
  }
  IOStatus Flush(const IOOptions& o, IODebugContext* dbg) override {
    IOStatus s = fs_->WriteStatus(fname_);
    return s.ok() ? target()->Flush(o, dbg) : s;
  }
  IOStatus Sync(const IOOptions& o, IODebugContext* dbg) override {
    IOStatus s = fs_->SyncStatus(fname_);
    return s.ok() ? target()->Sync(o, dbg) : s;
  }
  IOStatus Fsync(const IOOptions& o, IODebugContext* dbg) override {
    IOStatus s = fs_->SyncStatus(fname_);
    return s.ok() ? target()->Fsync(o, dbg) : s;
  }
  IOStatus RangeSync(uint64_t offset, uint64_t nbytes, const IOOptions& o,
                     IODebugContext* dbg) override {
    IOStatus s = fs_->SyncStatus(fname_);
    return s.ok() ? target()->RangeSync(offset, nbytes, o, dbg) : s;
  }

 private:
  std::string fname_;
  FaultInjectionFs* fs_;
};

}  // namespace

bool FaultInjectionFs::InScope(FaultScope scope, const std::string& fname) {
  switch (scope) {
    case FaultScope::kAllFiles:
      return true;
    case FaultScope::kWalOnly:
      return absl::EndsWith(fname, ".log");
    case FaultScope::kUnderDirectory: {
      absl::MutexLock l(&mu_);
      return !fault_directory_.empty() && absl::StartsWith(fname, fault_directory_ + "/");
    }
  }
  return false;
}

IOStatus FaultInjectionFs::Make(Fault fault, const std::string& fname, const char* op) {
  switch (fault) {
    case Fault::kNone:
      return IOStatus::OK();
    case Fault::kIoError:
      return IOStatus::IOError(std::string("injected ") + op + " failure", fname);
    case Fault::kNoSpace: {
      IOStatus s = IOStatus::NoSpace(std::string("injected: no space left on device (") + op + ")", fname);
      return s;
    }
  }
  return IOStatus::OK();
}

IOStatus FaultInjectionFs::WriteStatus(const std::string& fname) {
  const Fault f = write_fault_;
  if (f == Fault::kNone || !InScope(write_scope_, fname)) return IOStatus::OK();
  if (write_allowance_.fetch_sub(1) > 0) return IOStatus::OK();
  ++failed_writes_;
  return Make(f, fname, "write");
}

IOStatus FaultInjectionFs::SyncStatus(const std::string& fname) {
  const Fault f = sync_fault_;
  if (f == Fault::kNone || !InScope(sync_scope_, fname)) return IOStatus::OK();
  if (sync_allowance_.fetch_sub(1) > 0) return IOStatus::OK();
  ++failed_syncs_;
  return Make(f, fname, "sync");
}

IOStatus FaultInjectionFs::NewWritableFile(const std::string& fname, const rocksdb::FileOptions& opts,
                                           std::unique_ptr<FSWritableFile>* result,
                                           IODebugContext* dbg) {
  std::unique_ptr<FSWritableFile> base;
  IOStatus s = target()->NewWritableFile(fname, opts, &base, dbg);
  if (s.ok()) result->reset(new FaultWritableFile(std::move(base), fname, this));
  return s;
}

IOStatus FaultInjectionFs::ReopenWritableFile(const std::string& fname,
                                              const rocksdb::FileOptions& opts,
                                              std::unique_ptr<FSWritableFile>* result,
                                              IODebugContext* dbg) {
  std::unique_ptr<FSWritableFile> base;
  IOStatus s = target()->ReopenWritableFile(fname, opts, &base, dbg);
  if (s.ok()) result->reset(new FaultWritableFile(std::move(base), fname, this));
  return s;
}

IOStatus FaultInjectionFs::ReuseWritableFile(const std::string& fname, const std::string& old_fname,
                                             const rocksdb::FileOptions& opts,
                                             std::unique_ptr<FSWritableFile>* result,
                                             IODebugContext* dbg) {
  std::unique_ptr<FSWritableFile> base;
  IOStatus s = target()->ReuseWritableFile(fname, old_fname, opts, &base, dbg);
  if (s.ok()) result->reset(new FaultWritableFile(std::move(base), fname, this));
  return s;
}

FaultInjectionEnv::FaultInjectionEnv()
    : fs(std::make_shared<FaultInjectionFs>(rocksdb::FileSystem::Default())),
      env(rocksdb::NewCompositeEnv(fs)) {}

}  // namespace caselink::testing
