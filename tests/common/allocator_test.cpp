// common/allocator: linked like the daemons (allo_allocator), mimalloc
// serves malloc, operator new and ENet's allocations.
#include "common/allocator.hpp"

#include <enet/enet.h>
#include <gtest/gtest.h>
#include <mimalloc.h>
#include <sys/mman.h>

#include <array>
#include <cstddef>
#include <memory>

namespace allo {
namespace {

TEST(Allocator, MimallocServesMallocWhenLinkedLikeTheDaemons) {
  EXPECT_TRUE(mimalloc_serves_malloc());
  EXPECT_EQ(malloc_in_use().rfind("mimalloc 2.", 0), 0u) << malloc_in_use();
}

TEST(Allocator, OperatorNewGoesToMimallocToo) {
  auto block = std::make_unique<std::array<char, 100>>();
  EXPECT_TRUE(mi_is_in_heap_region(block.get()));
}

TEST(Allocator, EnetsAllocationsGoToMimalloc) {
  // The reason for the allocator: ENet's per-peer commands and packets.
  const char bytes[] = "voice";
  ENetPacket* packet = enet_packet_create(bytes, sizeof bytes, 0);
  ASSERT_NE(packet, nullptr);
  EXPECT_TRUE(mi_is_in_heap_region(packet));
  EXPECT_TRUE(mi_is_in_heap_region(packet->data));
  enet_packet_destroy(packet);
}

TEST(Allocator, MemoryThatIsNotMimallocsIsToldApart) {
  // mi_is_in_heap_region is what the check rests on: pages mapped by anyone
  // else are not claimed. (glibc's __libc_malloc is no witness: mimalloc
  // overrides that name too.)
  const size_t size = 1 << 16;
  void* pages = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(pages, MAP_FAILED);
  EXPECT_FALSE(mi_is_in_heap_region(pages));
  munmap(pages, size);
}

}  // namespace
}  // namespace allo
