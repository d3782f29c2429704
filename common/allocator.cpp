#include "common/allocator.hpp"

#include <mimalloc.h>

#include <cstdlib>

#include "common/log.hpp"
#include "fmt/format.h"

namespace allo {

bool mimalloc_serves_malloc() {
  // Called through volatile pointers: the compiler may drop a malloc/free
  // pair it can see.
  void* (*volatile allocate)(size_t) = std::malloc;
  void (*volatile release)(void*) = std::free;
  void* block = allocate(64);
  const bool ours = mi_is_in_heap_region(block);
  release(block);
  return ours;
}

namespace {

std::string describe(bool mimalloc_serves) {
  const int v = mi_version();
  const std::string mimalloc = fmt::format("mimalloc {}.{}.{}", v / 100, v / 10 % 10, v % 10);
  if (mimalloc_serves) return mimalloc;
  return "the C library's (" + mimalloc + " is linked but not in front of it)";
}

}  // namespace

std::string malloc_in_use() {
  return describe(mimalloc_serves_malloc());
}

void log_malloc_in_use() {
  if (mimalloc_serves_malloc()) {
    log::info("malloc: {}", describe(true));
  } else {
    log::warn("malloc: {}; fan-out and relays spend more CPU in it", describe(false));
  }
}

}  // namespace allo
