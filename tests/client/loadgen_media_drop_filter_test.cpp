// The sink-mode filter on a real loopback ENet pair: voice alone is dropped
// by the kernel, everything the connection needs still arrives.
#include "media_drop_filter.hpp"

#include <enet/enet.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/enet_loopback_pair.hpp"
#include "tests/support/net.hpp"

namespace allo::loadgen {
namespace {

class MediaDropFilterTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(pair_.connect()); }
  void send(uint8_t channel, const std::string& bytes, uint32_t flags) {
    enet_peer_send(pair_.server_peer, channel,
                   enet_packet_create(bytes.data(), bytes.size(), flags));
    enet_host_flush(pair_.server);  // one datagram per send
  }
  // What the client got on each channel until `last` arrived (deadline 5 s).
  std::vector<std::string> receive_until(const std::string& last) {
    std::vector<std::string> got;
    EXPECT_TRUE(testing::wait_until(
        [&] {
          ENetEvent event;
          while (enet_host_service(pair_.client, &event, 0) > 0) {
            if (event.type != ENET_EVENT_TYPE_RECEIVE) continue;
            got.push_back(
                std::to_string(event.channelID) + ":" +
                std::string(reinterpret_cast<char*>(event.packet->data), event.packet->dataLength));
            enet_packet_destroy(event.packet);
          }
          enet_host_service(pair_.server, &event, 0);
          return !got.empty() && got.back().ends_with(last);
        },
        5, [] {}));
    return got;
  }

  testing::EnetLoopbackPair pair_{4};
};

TEST_F(MediaDropFilterTest, DropsDatagramsOfOnlyVoiceAndPassesTheRest) {
  // Unfiltered, voice arrives (the test can see what the filter removes).
  send(3, "voice-before", 0);
  send(1, "marker-0", ENET_PACKET_FLAG_RELIABLE);
  EXPECT_EQ(receive_until("marker-0"), (std::vector<std::string>{"3:voice-before", "1:marker-0"}));

  ASSERT_TRUE(attach_media_drop_filter(static_cast<int>(pair_.client->socket), 3));
  send(3, "voice-1", 0);                                 // dropped
  send(3, "voice-2", ENET_PACKET_FLAG_UNSEQUENCED);      // dropped
  send(2, "other-channel", 0);                           // another channel passes
  send(3, "voice-reliable", ENET_PACKET_FLAG_RELIABLE);  // reliable passes
  // Several voice packets in one datagram (as ENet packs them under load)
  // are dropped; voice beside a packet of another channel passes.
  for (const char* v : {"voice-3", "voice-4", "voice-5"})
    enet_peer_send(pair_.server_peer, 3, enet_packet_create(v, 7, 0));
  enet_host_flush(pair_.server);
  enet_peer_send(pair_.server_peer, 3, enet_packet_create("voice-6", 7, 0));
  enet_peer_send(pair_.server_peer, 2, enet_packet_create("other-2", 7, 0));
  enet_host_flush(pair_.server);
  send(1, "marker-1", ENET_PACKET_FLAG_RELIABLE);
  EXPECT_EQ(receive_until("marker-1"),
            (std::vector<std::string>{"2:other-channel", "3:voice-reliable", "3:voice-6",
                                      "2:other-2", "1:marker-1"}));
  EXPECT_EQ(pair_.client_peer->state, ENET_PEER_STATE_CONNECTED);
}

TEST_F(MediaDropFilterTest, ABadSocketIsRefused) {
  EXPECT_FALSE(attach_media_drop_filter(-1, 3));
}

}  // namespace
}  // namespace allo::loadgen
