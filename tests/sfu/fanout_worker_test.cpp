#include "sfu/fanout_worker.hpp"

#include <gtest/gtest.h>

#include <map>

#include "opus_test_signal.hpp"
#include "proto/media_packet.hpp"

namespace allo::sfu {
namespace {

class RecordingSink : public DirectSink, public CompatibleSink {
 public:
  void send_direct(const PacketRef& packet, std::span<const uint64_t> handles) override {
    for (uint64_t h : handles) direct[h].push_back(packet);
  }
  void send_compatible(const PacketRef& packet,
                       std::span<const std::string* const> agents) override {
    ++compatible_batches;
    for (const std::string* a : agents) compatible[*a].push_back(packet);
  }
  std::map<uint64_t, std::vector<PacketRef>> direct;
  std::map<std::string, std::vector<PacketRef>> compatible;
  int compatible_batches = 0;
};

PacketRef packet_on(uint32_t track, float level) {
  static const std::vector<uint8_t> opus = test::encode_sine(0.1f, 300, 1)[0];
  return PacketRef::create(proto::encode_media_packet(track, opus), track, level, 0);
}

class FanoutWorkerTest : public ::testing::Test {
 protected:
  FanoutWorker make(FanoutConfig config) { return FanoutWorker(config, &sink, &sink, stats); }
  RecordingSink sink;
  WorkerStats stats;
};

TEST_F(FanoutWorkerTest, DeliversOneSharedBufferToEveryListenerButTheSpeaker) {
  FanoutWorker worker = make({});
  for (const char* agent : {"alice", "bob", "carol"}) worker.apply(AgentJoined{agent});
  worker.apply(TrackAdded{1, "alice", "e"});
  worker.attach_direct(77, "dave");
  worker.reselect(0);
  PacketRef packet = packet_on(1, -20);
  worker.deliver(packet, 1'000'000);
  EXPECT_EQ(sink.compatible_batches, 1) << "one batch for all compatible listeners";
  EXPECT_EQ(sink.compatible.count("alice"), 0u) << "a speaker does not hear itself";
  ASSERT_EQ(sink.compatible["bob"].size(), 1u);
  ASSERT_EQ(sink.direct[77].size(), 1u);
  EXPECT_EQ(sink.compatible["bob"][0].bytes().data(), packet.bytes().data());
  EXPECT_EQ(sink.direct[77][0].bytes().data(), packet.bytes().data());
  EXPECT_EQ(stats.packets_out, 3u);
}

int64_t clock_at_5ms() {
  return 5'000'000;
}

TEST_F(FanoutWorkerTest, ForwardLatencyIsTakenFromTheClockAfterTheSinks) {
  FanoutConfig config;
  config.latency_sample_every = 1;
  config.clock_ns = clock_at_5ms;
  FanoutWorker worker = make(config);
  for (const char* agent : {"alice", "bob"}) worker.apply(AgentJoined{agent});
  worker.apply(TrackAdded{1, "alice", "e"});
  worker.reselect(0);
  worker.deliver(packet_on(1, -20), 1'000'000);  // arrived at 0, handed at 5 ms
  double sum = 0;
  (void)stats.forward_latency_seconds.take_counts(sum);
  EXPECT_DOUBLE_EQ(sum, 0.005);
}

TEST_F(FanoutWorkerTest, KeepsCompatibleListenersOnlyWithACompatibleSink) {
  FanoutWorker direct_only({}, &sink, nullptr, stats);      // a worker
  FanoutWorker compatible_only({}, nullptr, &sink, stats);  // the link thread
  for (const char* agent : {"alice", "bob"}) {
    direct_only.apply(AgentJoined{agent});
    compatible_only.apply(AgentJoined{agent});
  }
  EXPECT_EQ(direct_only.listener_count(), 0u);
  EXPECT_EQ(compatible_only.listener_count(), 2u);
  direct_only.apply(TrackAdded{1, "alice", "e"});
  direct_only.attach_direct(5, "bob");
  direct_only.reselect(0);
  direct_only.deliver(packet_on(1, -20), 0);
  EXPECT_EQ(sink.direct[5].size(), 1u);
  EXPECT_EQ(sink.compatible_batches, 0);
}

TEST_F(FanoutWorkerTest, DirectAttachPausesTheCompatibleListener) {
  FanoutWorker worker = make({});
  worker.apply(AgentJoined{"alice"});
  worker.apply(AgentJoined{"bob"});
  worker.apply(TrackAdded{1, "alice", "e"});
  worker.apply(DirectPathChanged{"bob", true});
  worker.reselect(0);
  EXPECT_EQ(worker.active_compatible_count(), 1u) << "alice";
  worker.deliver(packet_on(1, -20), 0);
  EXPECT_TRUE(sink.compatible["bob"].empty());
  worker.apply(DirectPathChanged{"bob", false});
  worker.reselect(0.05);
  EXPECT_EQ(worker.active_compatible_count(), 2u);
  worker.deliver(packet_on(1, -20), 0);
  EXPECT_EQ(sink.compatible["bob"].size(), 1u);
}

TEST_F(FanoutWorkerTest, DirectAttachSurvivesThePlaceReconnectingButNotANewPlaceSession) {
  FanoutWorker worker = make({});
  auto join = [&] {
    worker.apply(AgentJoined{"alice"});
    worker.apply(AgentJoined{"bob"});
    worker.apply(TrackAdded{1, "alice", "e"});
  };
  auto bob_hears = [&](double now) {
    sink.compatible.clear();
    worker.reselect(now);
    worker.deliver(packet_on(1, -20), 0);
    return !sink.compatible["bob"].empty();
  };
  worker.apply(LinkSecretChanged{"first-secret", 1});
  join();
  worker.apply(DirectPathChanged{"bob", true, 1});
  worker.apply(DirectPathChanged{"bob", true, 1});  // a second direct connection
  EXPECT_FALSE(bob_hears(0));
  // The same place reconnects (same secret, same session) and replays its agents.
  worker.apply(PlaceReset{});
  worker.apply(LinkSecretChanged{"first-secret", 1});
  join();
  EXPECT_FALSE(bob_hears(0.05)) << "bob is still on the direct path";
  worker.apply(DirectPathChanged{"bob", false, 1});
  EXPECT_FALSE(bob_hears(0.1)) << "one of bob's two direct connections is left";
  worker.apply(DirectPathChanged{"bob", false, 1});
  EXPECT_TRUE(bob_hears(0.15));
  // A new place process: its "bob" is somebody else, and reports of the old
  // session's peers that were still in flight change nothing.
  worker.apply(DirectPathChanged{"bob", true, 1});
  EXPECT_FALSE(bob_hears(0.2));
  worker.apply(PlaceReset{});
  worker.apply(LinkSecretChanged{"second-secret", 2});
  join();
  worker.apply(DirectPathChanged{"bob", true, 1});
  EXPECT_TRUE(bob_hears(0.25));
}

TEST_F(FanoutWorkerTest, ANewPlaceSessionForgetsTheDirectListeners) {
  FanoutWorker worker = make({});
  worker.apply(LinkSecretChanged{"first-secret", 1});
  worker.attach_direct(9, "bob");
  worker.apply(LinkSecretChanged{"first-secret", 1});
  EXPECT_EQ(worker.listener_count(), 1u) << "the same session: bob stays";
  worker.apply(LinkSecretChanged{"second-secret", 2});
  EXPECT_EQ(worker.listener_count(), 0u);
}

TEST_F(FanoutWorkerTest, LimitsEachListenerToTheLoudestSpeakers) {
  FanoutWorker worker = make({.selection = {.max_speakers = 1}});
  for (const char* agent : {"a", "b", "listener"}) worker.apply(AgentJoined{agent});
  worker.apply(TrackAdded{1, "a", "e"});
  worker.apply(TrackAdded{2, "b", "e"});
  worker.deliver(packet_on(1, -50), 0);
  worker.deliver(packet_on(2, -10), 0);
  worker.reselect(0.01);
  worker.deliver(packet_on(1, -50), 20'000'000);
  worker.deliver(packet_on(2, -10), 20'000'000);
  EXPECT_EQ(sink.compatible["listener"].size(), 1u);
  EXPECT_EQ(sink.compatible["listener"][0].track_id(), 2u);
  EXPECT_GE(stats.selection_changes, 1u);
}

TEST_F(FanoutWorkerTest, CullsSpeakersBeyondTheRadius) {
  FanoutWorker worker = make({.selection = {}, .radius = 10});
  for (const char* agent : {"near", "far", "listener"}) worker.apply(AgentJoined{agent});
  worker.apply(TrackAdded{1, "near", "e"});
  worker.apply(TrackAdded{2, "far", "e"});
  worker.apply(
      PositionsUpdated{{{"near", {3, 0, 4}}, {"far", {20, 0, 0}}, {"listener", {0, 0, 0}}}});
  worker.reselect(0);
  // near is 5 from listener and 17 from far; far is 20 from listener.
  EXPECT_EQ(worker.subscriber_count(1), 1u);
  EXPECT_EQ(worker.subscriber_count(2), 0u);
  worker.deliver(packet_on(1, -20), 0);
  worker.deliver(packet_on(2, -20), 0);
  EXPECT_EQ(sink.compatible["listener"].size(), 1u);
  EXPECT_EQ(sink.compatible["listener"][0].track_id(), 1u);
}

TEST_F(FanoutWorkerTest, ALeftOrDetachedListenerGetsNothingEvenBeforeTheNextReselect) {
  FanoutWorker worker = make({});
  for (const char* agent : {"alice", "bob", "carol"}) worker.apply(AgentJoined{agent});
  worker.apply(TrackAdded{1, "alice", "e"});
  worker.attach_direct(7, "dave");
  worker.reselect(0);
  worker.apply(AgentLeft{"bob"});  // its listener is freed now
  worker.detach_direct(7);
  worker.deliver(packet_on(1, -20), 0);  // no reselect in between
  EXPECT_EQ(sink.compatible.count("bob"), 0u);
  EXPECT_EQ(sink.direct.count(7), 0u);
  EXPECT_EQ(sink.compatible["carol"].size(), 1u);
}

TEST_F(FanoutWorkerTest, ForgetsEverythingOfALeavingAgentAndOnReset) {
  FanoutWorker worker = make({});
  worker.apply(AgentJoined{"alice"});
  worker.apply(AgentJoined{"bob"});
  worker.apply(TrackAdded{1, "alice", "e"});
  worker.reselect(0);
  EXPECT_EQ(worker.subscriber_count(1), 1u);
  worker.apply(AgentLeft{"alice"});
  worker.reselect(0.05);
  EXPECT_EQ(worker.subscriber_count(1), 0u);
  EXPECT_EQ(worker.registry().find(1), nullptr);
  worker.apply(PlaceReset{});
  EXPECT_EQ(worker.listener_count(), 0u);
}

}  // namespace
}  // namespace allo::sfu
