// Client::Watch: one EventService.Watch stream at a time, reconnected with
// exponential backoff on UNAVAILABLE (or a stream the server ended), always
// resuming after the last cursor delivered to the callback.
#include <grpcpp/client_context.h>

#include <algorithm>
#include <thread>

#include "caselink/client.h"
#include "client_impl.h"
#include "status_conversion.h"

namespace caselink {

void WatchCanceller::Cancel() {
  absl::MutexLock lock(&mu_);
  cancelled_ = true;
  if (cancel_stream_) cancel_stream_();
}

bool WatchCanceller::cancelled() const {
  absl::MutexLock lock(&mu_);
  return cancelled_;
}

bool WatchCanceller::Attach(std::function<void()> cancel_stream) {
  absl::MutexLock lock(&mu_);
  if (cancelled_) {
    cancel_stream_ = nullptr;
    return false;
  }
  cancel_stream_ = std::move(cancel_stream);
  return true;
}

absl::Status Client::Watch(const WatchOptions& options,
                           const std::function<bool(const v1::Event&)>& on_event,
                           WatchCanceller* cancel) {
  WatchCanceller own;
  if (cancel == nullptr) cancel = &own;
  uint64_t cursor = options.from_cursor;
  absl::Duration backoff = options.initial_backoff;
  int failures = 0;
  while (true) {
    v1::WatchRequest request;
    request.set_from_cursor(cursor);
    request.set_purpose(options.purpose);
    grpc::ClientContext context;
    if (!cancel->Attach([&context] { context.TryCancel(); })) return absl::CancelledError("watch cancelled");
    bool got_any = false;
    bool stop = false;
    {
      std::unique_ptr<grpc::ClientReader<v1::Event>> reader = impl_->events->Watch(&context, request);
      v1::Event event;
      while (reader->Read(&event)) {
        got_any = true;
        cursor = std::max(cursor, event.cursor());
        if (!on_event(event)) {
          stop = true;
          context.TryCancel();
          break;
        }
      }
      grpc::Status status = reader->Finish();
      cancel->Attach(nullptr);
      if (stop) return absl::OkStatus();
      if (cancel->cancelled()) return absl::CancelledError("watch cancelled");
      absl::Status s = client_internal::FromGrpcCall(status, context);
      // CANCELLED here is the server's (this caller's Cancel returned above):
      // a server stopping cancels the streams still open (a restart).
      const bool retry = s.ok() || absl::IsUnavailable(s) || absl::IsDeadlineExceeded(s) || absl::IsCancelled(s);
      if (!retry) return s;
      if (got_any) {
        failures = 0;
        backoff = options.initial_backoff;
      }
      if (++failures > options.max_consecutive_failures && options.max_consecutive_failures > 0) {
        return s.ok() ? absl::UnavailableError("the event stream kept ending") : s;
      }
    }
    // Sleep in small steps so Cancel() is prompt.
    const absl::Time until = absl::Now() + backoff;
    while (absl::Now() < until && !cancel->cancelled()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    backoff = std::min(backoff * 2, options.max_backoff);
  }
}

}  // namespace caselink
