// A seam for the server's CPU scheduler: storage calls BeforeBlocking() just
// before a thread waits (for a group commit, for a key held by another call),
// so whoever schedules handler threads can give that thread's CPU slot to the
// next caller instead of holding it idle. Storage knows nothing of who
// installs the hook; with none installed it does nothing.
#pragma once

namespace caselink::storage {

using BlockingHook = void (*)();

// Installs the process-wide hook (nullptr removes it). Thread-safe.
void SetBeforeBlockingHook(BlockingHook hook);

// Calls the installed hook, if any.
void BeforeBlocking();

}  // namespace caselink::storage
