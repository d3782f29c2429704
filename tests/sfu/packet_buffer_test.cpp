#include "sfu/packet_buffer.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace allo::sfu {
namespace {

TEST(PacketBuffer, HoldsBytesAndMetadataInOneBuffer) {
  const int64_t before = live_packet_buffers();
  const std::vector<uint8_t> wire = {0, 0, 0, 7, 0xAA, 0xBB, '\n'};
  {
    PacketRef ref = PacketRef::create(wire, 7, -20.5f, 123);
    EXPECT_EQ(live_packet_buffers(), before + 1);
    EXPECT_EQ(std::vector<uint8_t>(ref.bytes().begin(), ref.bytes().end()), wire);
    EXPECT_EQ(ref.track_id(), 7u);
    EXPECT_FLOAT_EQ(ref.level_dbfs(), -20.5f);
    EXPECT_EQ(ref.arrival_ns(), 123);
    PacketRef copy = ref;
    EXPECT_EQ(copy.bytes().data(), ref.bytes().data()) << "copies share the bytes";
    EXPECT_EQ(ref.use_count(), 2u);
    PacketRef moved = std::move(copy);
    EXPECT_FALSE(copy);
    EXPECT_EQ(ref.use_count(), 2u);
  }
  EXPECT_EQ(live_packet_buffers(), before);
}

TEST(PacketBuffer, RawHandOffKeepsTheReference) {
  const int64_t before = live_packet_buffers();
  PacketRef ref = PacketRef::create(std::vector<uint8_t>{1, 2, 3}, 1, 0, 0);
  PacketRef second = ref;
  void* raw = second.release_raw();
  EXPECT_EQ(ref.use_count(), 2u);
  PacketRef back = PacketRef::adopt_raw(raw);
  back.reset();
  EXPECT_EQ(ref.use_count(), 1u);
  ref.reset();
  EXPECT_EQ(live_packet_buffers(), before);
}

TEST(PacketBuffer, ConcurrentCopiesAndReleasesFreeExactlyOnce) {
  const int64_t before = live_packet_buffers();
  for (int round = 0; round < 200; ++round) {
    PacketRef ref = PacketRef::create(std::vector<uint8_t>(64, 0x5A), 1, 0, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([copy = ref]() mutable {
        for (int i = 0; i < 100; ++i) {
          PacketRef local = copy;
          ASSERT_EQ(local.bytes()[63], 0x5A);
        }
      });
    }
    ref.reset();
    for (auto& t : threads) t.join();
  }
  EXPECT_EQ(live_packet_buffers(), before);
}

}  // namespace
}  // namespace allo::sfu
