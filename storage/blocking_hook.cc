#include "storage/blocking_hook.h"

#include <atomic>

namespace caselink::storage {
namespace {
std::atomic<BlockingHook> g_hook{nullptr};
}  // namespace

void SetBeforeBlockingHook(BlockingHook hook) { g_hook.store(hook, std::memory_order_release); }

void BeforeBlocking() {
  if (BlockingHook hook = g_hook.load(std::memory_order_acquire)) hook();
}

}  // namespace caselink::storage
