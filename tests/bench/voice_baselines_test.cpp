#include <gtest/gtest.h>

#include <set>

#include "naive_forwarder.hpp"

namespace allo::bench {
namespace {

TEST(NaivePlan, EachListenerHearsItsShareOfSpeakersButNeverItself) {
  const NaivePlan plan = naive_plan(10, 4, 2, 50);
  ASSERT_EQ(plan.subscribers.size(), 4u);
  std::vector<int> heard(10, 0);
  for (uint32_t s = 0; s < 4; ++s) {
    const std::set<uint32_t> unique(plan.subscribers[s].begin(), plan.subscribers[s].end());
    EXPECT_EQ(unique.size(), plan.subscribers[s].size()) << "speaker " << s;
    EXPECT_FALSE(unique.contains(s)) << "speaker " << s << " hears itself";
    for (uint32_t l : plan.subscribers[s]) ++heard[l];
  }
  for (int h : heard) EXPECT_EQ(h, 2);
  EXPECT_EQ(plan.expected, 10u * 2 * 50);
}

TEST(NaivePlan, WithoutSelectionEveryoneHearsEveryOtherSpeaker) {
  const NaivePlan plan = naive_plan(5, 3, 0, 10);
  // Listeners 0-2 speak (hear 2 each), 3-4 only listen (hear 3).
  EXPECT_EQ(plan.expected, (3u * 2 + 2u * 3) * 10);
}

// Loopback, a few clients, one second: nothing is lost, everything is timed,
// and the forwarding thread's CPU is measured.
void expect_every_delivery(const NaiveResult& result) {
  EXPECT_GT(result.expected, 0u);
  EXPECT_EQ(result.delivered, result.expected);
  EXPECT_GT(result.p50_ms, 0);
  EXPECT_LT(result.p99_ms, 1000);
  EXPECT_GT(result.forwarder_cpu_seconds, 0);
}

TEST(VoiceBaselines, TheRawUdpRelayDeliversEveryPacket) {
  expect_every_delivery(run_naive_forwarder(12, 3, 2, 1.0, 0));
}

TEST(VoiceBaselines, TheNaiveEnetForwarderDeliversEveryPacketToEnetClients) {
  expect_every_delivery(run_naive_enet_forwarder(12, 3, 2, 1.0, 0));
}

}  // namespace
}  // namespace allo::bench
