// server::ApplyAllocatorSettings: however many threads allocate, glibc keeps
// at most two arenas (malloc_info lists one <heap> per arena). Runs in a
// forked child, so the settings and its threads stay out of other tests.
#include "server/core/allocator_settings.h"

#include <malloc.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace caselink::server {
namespace {

// Arenas in use after 16 threads each allocated and held some memory.
int ArenasAfterThreadsAllocate() {
  std::vector<std::thread> threads;
  std::vector<void*> held(16, nullptr);
  std::atomic<int> allocated{0};
  for (int t = 0; t < 16; ++t) {
    // All alive at once: an exiting thread's arena is handed to the next.
    threads.emplace_back([&held, &allocated, t] {
      held[t] = std::malloc(4096);
      ++allocated;
      while (allocated.load() < 16) std::this_thread::yield();
    });
  }
  for (auto& t : threads) t.join();
  char* text = nullptr;
  size_t size = 0;
  FILE* out = open_memstream(&text, &size);
  malloc_info(0, out);
  std::fclose(out);
  int arenas = 0;
  for (std::string s(text, size); s.find("<heap nr=") != std::string::npos;) {
    s.erase(0, s.find("<heap nr=") + 1);
    ++arenas;
  }
  std::free(text);
  for (void* p : held) std::free(p);
  return arenas;
}

int InChild(bool apply) {
  const pid_t pid = fork();
  if (pid == 0) {
    if (apply) ApplyAllocatorSettings();
    _exit(ArenasAfterThreadsAllocate());
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(AllocatorSettingsTest, AtMostTwoArenasHoweverManyThreadsAllocate) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer replaces glibc's malloc: there are no arenas to count";
#endif
  EXPECT_LE(InChild(true), 2);
  EXPECT_GE(InChild(true), 1);
  // The check can fail: without the setting, concurrent threads get arenas of their own.
  if (std::getenv("GLIBC_TUNABLES") == nullptr && std::getenv("MALLOC_ARENA_MAX") == nullptr) {
    EXPECT_GT(InChild(false), 2);
  }
}

}  // namespace
}  // namespace caselink::server
