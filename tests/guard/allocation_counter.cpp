// Replaces global operator new/delete (kept in its own file so no caller
// inlines the malloc/free pair).
#include "allocation_counter.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<long> g_allocations{0};
}

void* operator new(size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, size_t) noexcept {
  std::free(p);
}

namespace allo::guard::testing {
long allocation_count() {
  return g_allocations.load(std::memory_order_relaxed);
}
}  // namespace allo::guard::testing
