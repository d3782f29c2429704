// The daemons' allocator. allo-sfu, alloplace and allo-assetd link mimalloc
// ahead of the C library, so its malloc and free serve every allocation in
// the process, ENet's among them: ENet allocates a command for every packet
// it queues to a peer and frees it once sent, so a fan-out to 500 peers is
// 500 allocations and 500 frees on one thread. glibc's malloc spent 16-23%
// of allo-sfu's CPU on that (docs/SFU.md, "Allocator").
#pragma once

#include <string>

namespace allo {

// True when malloc in this process is mimalloc's (the link order worked).
bool mimalloc_serves_malloc();

// "mimalloc 2.0.9", or what is wrong.
std::string malloc_in_use();

// The startup line: info when mimalloc serves malloc, a warning otherwise.
void log_malloc_in_use();

}  // namespace allo
