// The memory-allocator settings caselinkd runs with, in one place so that the
// benchmarks hosting the server in their own process measure what production
// runs. Call ApplyAllocatorSettings first thing in main(), before threads
// start allocating.
#pragma once

namespace caselink::server {

// At most two malloc arenas, and a fixed mmap threshold of 256 KiB
// (mallopt; reasons in the .cc). Process-wide; idempotent.
void ApplyAllocatorSettings();

}  // namespace caselink::server
