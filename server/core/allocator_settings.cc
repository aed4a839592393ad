#include "server/core/allocator_settings.h"

#include <malloc.h>

namespace caselink::server {

// Measured and not kept (docs/performance.md, session 10): a larger
// per-thread cache (GLIBC_TUNABLES=glibc.malloc.tcache_count=256) made an
// in-process GetCase @32 ~11 % faster but caselinkd's 1,000,000-case import
// ~22 % slower and its resident size 80 MiB larger.
void ApplyAllocatorSettings() {
  // glibc gives each thread that allocates its own arena (up to 8 per core);
  // with gRPC's, RocksDB's and the worker pool's threads that holds on to
  // memory long freed. Two arenas keep the resident size near what is in use.
  mallopt(M_ARENA_MAX, 2);
  // Document chunks (256 KiB) come and go by the hundred during an upload or a
  // download. glibc would raise its mmap threshold after the first free and
  // then serve them from the arenas, which keep the pages: a fixed threshold
  // keeps every such buffer an mmap that is returned when freed, so a 64 MiB
  // upload leaves the resident size where it was (docs/performance.md).
  mallopt(M_MMAP_THRESHOLD, 256 << 10);
}

}  // namespace caselink::server
