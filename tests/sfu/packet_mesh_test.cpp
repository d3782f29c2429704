#include "sfu/packet_mesh.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace allo::sfu {
namespace {

TEST(PacketMesh, BroadcastSkipsTheSourceAndSharesOneBuffer) {
  PacketMesh mesh(3, 8);
  PacketRef packet = PacketRef::create(std::vector<uint8_t>{0, 0, 0, 1, 9, '\n'}, 1, 0, 0);
  EXPECT_EQ(mesh.broadcast(1, packet), 0u);
  EXPECT_EQ(packet.use_count(), 3u) << "one reference per other worker, no copy";
  EXPECT_EQ(mesh.depth(0), 1u);
  EXPECT_EQ(mesh.depth(1), 0u);
  EXPECT_EQ(mesh.broadcast(mesh.link_source(), packet), 0u);
  EXPECT_EQ(mesh.depth(1), 1u) << "the link thread reaches every worker";
  std::vector<const uint8_t*> seen;
  mesh.drain(0, 100, [&](PacketRef&& p) { seen.push_back(p.bytes().data()); });
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], packet.bytes().data());
}

TEST(PacketMesh, FullRingCountsDrops) {
  PacketMesh mesh(2, 2);
  PacketRef packet = PacketRef::create(std::vector<uint8_t>{1}, 1, 0, 0);
  EXPECT_EQ(mesh.broadcast(0, packet), 0u);
  EXPECT_EQ(mesh.broadcast(0, packet), 0u);
  EXPECT_EQ(mesh.broadcast(0, packet), 1u);
}

// Every source thread broadcasts a bounded count while every worker drains
// concurrently: each packet either reaches a worker exactly once, in order per
// source, or is reported full by broadcast(); nothing is lost silently, and
// every buffer is freed at the end.
TEST(PacketMesh, StressEveryPacketDeliveredOrReportedFull) {
  constexpr size_t kWorkers = 3;
  constexpr uint32_t kPerSource = 50000;
  const int64_t live_before = live_packet_buffers();
  PacketMesh mesh(kWorkers, 64);
  std::atomic<size_t> producers_done{0};
  std::atomic<uint64_t> reported_full{0};
  std::vector<std::vector<uint32_t>> last_seen(kWorkers, std::vector<uint32_t>(kWorkers + 1, 0));
  std::vector<uint64_t> out_of_order(kWorkers, 0);
  std::vector<uint64_t> received(kWorkers, 0);

  auto produce = [&](size_t source) {
    for (uint32_t seq = 1; seq <= kPerSource; ++seq) {
      PacketRef p = PacketRef::create({}, static_cast<uint32_t>(source), 0, seq);
      reported_full.fetch_add(mesh.broadcast(source, p));
      if (seq % 64 == 0) std::this_thread::yield();
    }
    producers_done.fetch_add(1);
  };
  auto consume = [&](size_t worker) {
    while (true) {
      const bool finished = producers_done.load() == kWorkers + 1;
      mesh.drain(worker, 64, [&](PacketRef&& p) {
        const uint32_t source = p.track_id();
        const auto seq = static_cast<uint32_t>(p.arrival_ns());
        if (seq <= last_seen[worker][source]) ++out_of_order[worker];
        last_seen[worker][source] = seq;
        ++received[worker];
      });
      if (finished && mesh.depth(worker) == 0) break;
      std::this_thread::yield();
    }
  };
  std::vector<std::thread> threads;
  for (size_t w = 0; w < kWorkers; ++w) threads.emplace_back(consume, w);
  for (size_t s = 0; s <= kWorkers; ++s) threads.emplace_back(produce, s);
  for (auto& t : threads) t.join();
  uint64_t total_received = 0;
  for (size_t w = 0; w < kWorkers; ++w) {
    EXPECT_EQ(out_of_order[w], 0u) << "worker " << w;
    total_received += received[w];
  }
  // Each worker source reaches kWorkers-1 workers, the link source all of them.
  const uint64_t expected = uint64_t{kPerSource} * (kWorkers * (kWorkers - 1) + kWorkers);
  EXPECT_EQ(total_received + reported_full.load(), expected);
  EXPECT_GT(total_received, 0u);
  EXPECT_EQ(live_packet_buffers(), live_before);
}

}  // namespace
}  // namespace allo::sfu
