#include "sfu/spsc_ring.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace allo::sfu {
namespace {

TEST(SpscRing, IsBoundedAndFifo) {
  SpscRing<int> ring(3);  // rounded up to 4
  EXPECT_EQ(ring.capacity(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(ring.try_push(int{i}));
  EXPECT_FALSE(ring.try_push(99)) << "full ring refuses";
  EXPECT_EQ(ring.size_approx(), 4u);
  int out = -1;
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(ring.try_pop(out));
    EXPECT_EQ(out, i);
  }
  EXPECT_FALSE(ring.try_pop(out));
  EXPECT_TRUE(ring.try_push(5)) << "wraps around";
  ASSERT_TRUE(ring.try_pop(out));
  EXPECT_EQ(out, 5);
}

// One producer and one consumer hammer a small ring; every value must arrive
// exactly once and in order, and the writes before a push must be visible.
TEST(SpscRing, StressTwoThreadsDeliversEverythingInOrder) {
  constexpr uint64_t kCount = 1'000'000;
  struct Item {
    uint64_t sequence = 0;
    uint64_t check = 0;
  };
  SpscRing<Item> ring(64);
  std::thread producer([&] {
    for (uint64_t i = 1; i <= kCount; ++i) {
      Item item{i, i * 2654435761u};
      while (!ring.try_push(std::move(item))) std::this_thread::yield();
    }
  });
  uint64_t expected = 1;
  uint64_t bad = 0;
  Item item;
  while (expected <= kCount) {
    if (!ring.try_pop(item)) {
      std::this_thread::yield();
      continue;
    }
    if (item.sequence != expected || item.check != expected * 2654435761u) ++bad;
    ++expected;
  }
  producer.join();
  EXPECT_EQ(bad, 0u);
  EXPECT_FALSE(ring.try_pop(item));
}

}  // namespace
}  // namespace allo::sfu
