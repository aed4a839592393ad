// Options and cancellation of Client::Watch, the self-resuming event stream
// helper (see client.h). WatchCanceller is thread-safe: call Cancel() from any
// thread to end a Watch blocked on another.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace grpc {
class ClientContext;
}

namespace caselink {

struct WatchOptions {
  // Deliver events with a cursor greater than this (0: from the beginning).
  uint64_t from_cursor = 0;
  // 查询事由 sent with the stream (events embed cases of other agencies).
  std::string purpose = "两法衔接 event stream";
  // Reconnect backoff: starts here, doubles per failed attempt, capped.
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
  // Give up after this many consecutive failed connection attempts
  // (0: never); the last error is returned.
  int max_consecutive_failures = 0;
};

class WatchCanceller {
 public:
  // Ends the Watch using this canceller (now, or as soon as it starts).
  void Cancel();
  bool cancelled() const;

  // For Client::Watch: the context of the current stream (or null).
  bool Attach(grpc::ClientContext* ctx);

 private:
  mutable absl::Mutex mu_;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* current_ ABSL_GUARDED_BY(mu_) = nullptr;
};

}  // namespace caselink
