// The throttle settings of common/enet_voice_peer.hpp on two real loopback
// hosts: what each end's peer holds, and that ENet carries the setting to
// the remote end.
#include "common/enet_voice_peer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>

#include "tests/support/enet_loopback_pair.hpp"

namespace allo {
namespace {

// Services both hosts (dropping what arrives) until `done` or 5 s.
bool pump_until(testing::EnetLoopbackPair& pair, const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  ENetEvent event;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    for (ENetHost* host : {pair.server, pair.client}) {
      while (enet_host_service(host, &event, 5) > 0) {
        if (event.type == ENET_EVENT_TYPE_RECEIVE) enet_packet_destroy(event.packet);
      }
    }
  }
  return done();
}

bool never_throttles_down(const ENetPeer* peer) {
  return peer->packetThrottleDeceleration == 0 &&
         peer->packetThrottleAcceleration == ENET_PEER_PACKET_THROTTLE_SCALE;
}

bool has_enet_defaults(const ENetPeer* peer) {
  return peer->packetThrottleDeceleration == ENET_PEER_PACKET_THROTTLE_DECELERATION &&
         peer->packetThrottleAcceleration == ENET_PEER_PACKET_THROTTLE_ACCELERATION;
}

TEST(EnetVoicePeer, BothEndsStopThrottlingDown) {
  testing::EnetLoopbackPair pair(1, 1);
  ASSERT_TRUE(pair.connect());
  ASSERT_TRUE(has_enet_defaults(pair.client_peer));
  disable_packet_throttle(pair.server_peer);
  EXPECT_TRUE(never_throttles_down(pair.server_peer)) << "this end, at once";
  EXPECT_TRUE(pump_until(pair, [&] { return never_throttles_down(pair.client_peer); }))
      << "the remote end, once the command arrived";
  EXPECT_EQ(pair.server_peer->packetThrottle,
            static_cast<enet_uint32>(ENET_PEER_PACKET_THROTTLE_SCALE));
}

TEST(EnetVoicePeer, TheRemoteEndOnlyLeavesThisEndsThrottleAsItWas) {
  testing::EnetLoopbackPair pair(1, 1);
  ASSERT_TRUE(pair.connect());
  disable_remote_packet_throttle(pair.server_peer);
  EXPECT_TRUE(has_enet_defaults(pair.server_peer)) << "this end keeps ENet's throttle";
  EXPECT_TRUE(pump_until(pair, [&] { return never_throttles_down(pair.client_peer); }));
  EXPECT_TRUE(has_enet_defaults(pair.server_peer));
}

}  // namespace
}  // namespace allo
