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
  EXPECT_EQ(packet.use_count(), 4u) << "one reference per other thread, no copy";
  EXPECT_EQ(mesh.depth(0), 1u);
  EXPECT_EQ(mesh.depth(1), 0u);
  EXPECT_EQ(mesh.depth(mesh.link_thread()), 1u);
  EXPECT_EQ(mesh.broadcast(mesh.link_thread(), packet), 0u);
  EXPECT_EQ(mesh.depth(1), 1u) << "the link thread reaches every worker";
  std::vector<const uint8_t*> seen;
  mesh.drain(0, 100, [&](PacketRef&& p) { seen.push_back(p.bytes().data()); });
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], packet.bytes().data());
}

TEST(PacketMesh, EveryThreadGetsEveryPacketUrgentOrNot) {
  PacketMesh mesh(2, 8);
  PacketRef packet = PacketRef::create(std::vector<uint8_t>{1}, 1, 0, 0);
  EXPECT_FALSE(mesh.urgent(mesh.link_thread())) << "until it has listeners";
  EXPECT_TRUE(mesh.urgent(0));
  EXPECT_EQ(mesh.broadcast(0, packet), 0u);
  EXPECT_EQ(mesh.depth(mesh.link_thread()), 1u) << "not urgent, still delivered";
  EXPECT_EQ(mesh.depth(1), 1u);
  mesh.set_urgent(1, false);
  mesh.set_urgent(mesh.link_thread(), true);
  EXPECT_EQ(mesh.broadcast(0, packet), 0u);
  EXPECT_EQ(mesh.depth(1), 2u);
  EXPECT_EQ(mesh.depth(mesh.link_thread()), 2u);
  EXPECT_EQ(mesh.drain(mesh.link_thread(), 100, [](PacketRef&&) {}), 2u);
}

TEST(PacketMesh, FullRingCountsDrops) {
  PacketMesh mesh(2, 2);
  PacketRef packet = PacketRef::create(std::vector<uint8_t>{1}, 1, 0, 0);
  EXPECT_EQ(mesh.broadcast(0, packet), 0u);
  EXPECT_EQ(mesh.broadcast(0, packet), 0u);
  EXPECT_EQ(mesh.broadcast(0, packet), 1u) << "worker 1's ring; the link thread has no listeners";
  mesh.set_urgent(mesh.link_thread(), true);
  EXPECT_EQ(mesh.broadcast(0, packet), 2u) << "now it has";
}

// Every source thread broadcasts a bounded count while every destination
// (the workers and the link thread, urgent here) drains
// concurrently: each packet either reaches a destination exactly once, in
// order per source, or is reported full by broadcast(); nothing is lost
// silently, and every buffer is freed at the end.
TEST(PacketMesh, StressEveryPacketDeliveredOrReportedFull) {
  constexpr size_t kWorkers = 3;
  constexpr size_t kThreads = kWorkers + 1;
  constexpr uint32_t kPerSource = 50000;
  const int64_t live_before = live_packet_buffers();
  PacketMesh mesh(kWorkers, 64);
  mesh.set_urgent(mesh.link_thread(), true);
  std::atomic<size_t> producers_done{0};
  std::atomic<uint64_t> reported_full{0};
  std::vector<std::vector<uint32_t>> last_seen(kThreads, std::vector<uint32_t>(kThreads, 0));
  std::vector<uint64_t> out_of_order(kThreads, 0);
  std::vector<uint64_t> received(kThreads, 0);

  auto produce = [&](size_t source) {
    for (uint32_t seq = 1; seq <= kPerSource; ++seq) {
      PacketRef p = PacketRef::create({}, static_cast<uint32_t>(source), 0, seq);
      reported_full.fetch_add(mesh.broadcast(source, p));
      if (seq % 64 == 0) std::this_thread::yield();
    }
    producers_done.fetch_add(1);
  };
  auto consume = [&](size_t destination) {
    while (true) {
      const bool finished = producers_done.load() == kThreads;
      mesh.drain(destination, 64, [&](PacketRef&& p) {
        const uint32_t source = p.track_id();
        const auto seq = static_cast<uint32_t>(p.arrival_ns());
        if (source == destination || seq <= last_seen[destination][source])
          ++out_of_order[destination];
        last_seen[destination][source] = seq;
        ++received[destination];
      });
      if (finished && mesh.depth(destination) == 0) break;
      std::this_thread::yield();
    }
  };
  std::vector<std::thread> threads;
  for (size_t d = 0; d < kThreads; ++d) threads.emplace_back(consume, d);
  for (size_t s = 0; s < kThreads; ++s) threads.emplace_back(produce, s);
  for (auto& t : threads) t.join();
  uint64_t total_received = 0;
  for (size_t d = 0; d < kThreads; ++d) {
    EXPECT_EQ(out_of_order[d], 0u) << "destination " << d;
    EXPECT_GT(received[d], 0u) << "destination " << d;
    total_received += received[d];
  }
  // Each source reaches every thread but itself.
  const uint64_t expected = uint64_t{kPerSource} * kThreads * (kThreads - 1);
  EXPECT_EQ(total_received + reported_full.load(), expected);
  EXPECT_EQ(live_packet_buffers(), live_before);
}

}  // namespace
}  // namespace allo::sfu
