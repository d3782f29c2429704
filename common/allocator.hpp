// The daemons' allocator. allo-sfu, alloplace and allo-assetd link mimalloc
// ahead of the C library, so its malloc and free serve every allocation in
// the process, ENet's among them: ENet allocates a command for every packet
// it queues to a peer and frees it once sent. Why, with the measurements:
// docs/SFU.md, "Allocator".
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
