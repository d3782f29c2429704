// VoiceDatagrams and the ENet datagram builders: the packing rules, and that
// real libenet (a connected client host) takes what they write on the
// server host's socket as channel-3 packets, drops a repeated group, and
// accepts a restart that begins a margin ahead (what the place hands a
// restarted SFU).
#include "sfu/voice_datagrams.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "proto/limits.hpp"
#include "tests/support/enet_loopback_pair.hpp"

namespace allo::sfu {
namespace {

std::vector<uint8_t> bytes_of(const std::string& s) {
  return {s.begin(), s.end()};
}

DatagramRoute route_to(uint16_t port, uint16_t header_peer, uint16_t mtu = 1400) {
  DatagramRoute route;
  route.address.sin_family = AF_INET;
  route.address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  route.address.sin_port = htons(port);
  route.header_peer = header_peer;
  route.mtu = mtu;
  return route;
}

size_t datagram_bytes(const mmsghdr& message) {
  size_t total = 0;
  for (size_t i = 0; i < message.msg_hdr.msg_iovlen; ++i)
    total += message.msg_hdr.msg_iov[i].iov_len;
  return total;
}

std::vector<uint8_t> flatten(const mmsghdr& message) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i < message.msg_hdr.msg_iovlen; ++i) {
    const auto* base = static_cast<const uint8_t*>(message.msg_hdr.msg_iov[i].iov_base);
    out.insert(out.end(), base, base + message.msg_hdr.msg_iov[i].iov_len);
  }
  return out;
}

TEST(VoiceDatagrams, OneListenersFramesShareADatagramInOrderOthersGetTheirOwn) {
  const DatagramRoute a = route_to(5000, 0x1001), b = route_to(5001, 0x2002);
  const auto one = bytes_of("one\n"), two = bytes_of("two!\n");
  VoiceDatagrams datagrams;
  datagrams.add(a, 7, one);
  datagrams.add(b, 40, one);
  datagrams.add(a, 8, two);
  auto messages = datagrams.pack();
  ASSERT_EQ(messages.size(), 2u);
  const auto first = flatten(messages[0]);
  // header (peer 0x1001), then two unsequenced commands on channel 3 with groups 7 and 8
  const std::vector<uint8_t> expected = {0x10, 0x01,                                         //
                                         0x49, 3,    0, 0, 0, 7, 0, 4, 'o', 'n', 'e', '\n',  //
                                         0x49, 3,    0, 0, 0, 8, 0, 5, 't', 'w', 'o', '!',  '\n'};
  EXPECT_EQ(first, expected);
  EXPECT_EQ(reinterpret_cast<sockaddr_in*>(messages[0].msg_hdr.msg_name)->sin_port, htons(5000));
  const auto second = flatten(messages[1]);
  ASSERT_EQ(second.size(), 2u + 8u + one.size());
  EXPECT_EQ(second[0], 0x20);
  EXPECT_EQ(second[7], 40) << "its own group";
  datagrams.clear();
  EXPECT_TRUE(datagrams.empty());
}

TEST(VoiceDatagrams, ADatagramNeverExceedsTheListenersMtu) {
  const DatagramRoute small = route_to(5000, 1, 600);
  const std::vector<uint8_t> frame(200, 0xAB);
  EXPECT_TRUE(fits_datagram(small, 590));
  EXPECT_FALSE(fits_datagram(small, 591));
  VoiceDatagrams datagrams;
  for (uint16_t g = 1; g <= 7; ++g) datagrams.add(small, g, frame);
  auto messages = datagrams.pack();
  // 2 + 2 x 208 = 418 fits 600, a third would not: 7 frames in 4 datagrams.
  ASSERT_EQ(messages.size(), 4u);
  for (const mmsghdr& m : messages) EXPECT_LE(datagram_bytes(m), 600u);
  EXPECT_EQ(datagram_bytes(messages[3]), 2u + 208u);
}

TEST(VoiceDatagrams, ARouteChangedOrGoneAfterAddDoesNotTouchWhatWasAdded) {
  const auto frame = bytes_of("x\n");
  VoiceDatagrams datagrams;
  {
    DatagramRoute route = route_to(5000, 0x1001);
    datagrams.add(route, 1, frame);
    route.address.sin_port = htons(6000);  // the link thread's route table changed...
    route.header_peer = 0x2002;
  }  // ...or the route is gone
  auto messages = datagrams.pack();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(reinterpret_cast<sockaddr_in*>(messages[0].msg_hdr.msg_name)->sin_port, htons(5000));
  EXPECT_EQ(flatten(messages[0])[0], 0x10);
}

// The server host plays the place; the datagrams go out on its socket.
class VoiceDatagramsOverEnet : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(pair.connect());
    const ENetPeer& peer = *pair.server_peer;
    route = route_to(peer.address.port, header_peer_of(peer), static_cast<uint16_t>(peer.mtu));
  }
  void send(uint16_t group, const std::string& text) {
    const auto payload = bytes_of(text);
    VoiceDatagrams datagrams;
    datagrams.add(route, group, payload);
    auto messages = datagrams.pack();
    ASSERT_EQ(
        sendmmsg(pair.server->socket, messages.data(), static_cast<unsigned>(messages.size()), 0),
        static_cast<int>(messages.size()));
  }
  // Channel-3 packets the client receives until `count` arrived (or 2 s passed).
  std::vector<std::string> receive(size_t count) {
    const double seconds = 2;
    std::vector<std::string> out;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    ENetEvent event;
    while (out.size() < count && std::chrono::steady_clock::now() < deadline) {
      enet_host_service(pair.server, &event, 0);
      if (enet_host_service(pair.client, &event, 5) > 0 && event.type == ENET_EVENT_TYPE_RECEIVE) {
        if (event.channelID == limits::kChannelMedia) {
          out.emplace_back(reinterpret_cast<const char*>(event.packet->data),
                           event.packet->dataLength);
        }
        enet_packet_destroy(event.packet);
      }
    }
    return out;
  }

  allo::testing::EnetLoopbackPair pair{limits::kChannelCount};
  DatagramRoute route;
};

TEST_F(VoiceDatagramsOverEnet, TheClientGetsThemAsChannelThreePacketsAndDropsARepeatedGroup) {
  send(1, "first\n");
  send(2, "second\n");
  send(2, "repeat of group 2\n");
  send(3, "third\n");
  // In order on loopback: had the repeat got through, it would come before "third".
  EXPECT_EQ(receive(3), (std::vector<std::string>{"first\n", "second\n", "third\n"}));
}

TEST_F(VoiceDatagramsOverEnet, ARestartAMarginAheadIsAcceptedAndAGroupFarBehindIsNot) {
  send(1, "a\n");
  ASSERT_EQ(receive(1).size(), 1u);
  send(1 + 2048 + 1, "after a restart\n");  // what SfuSession hands the next SFU
  ASSERT_EQ(receive(1), std::vector<std::string>{"after a restart\n"});
  send(1, "stale\n");  // far behind the window now: dropped
  send(2051, "next\n");
  EXPECT_EQ(receive(1), std::vector<std::string>{"next\n"}) << "not the stale one";
}

TEST_F(VoiceDatagramsOverEnet, AWrongSessionOrPeerIsIgnored) {
  DatagramRoute wrong = route;
  wrong.header_peer ^= 0x1000;  // another session
  const auto payload = bytes_of("not for you\n");
  VoiceDatagrams datagrams;
  datagrams.add(wrong, 1, payload);
  auto messages = datagrams.pack();
  ASSERT_EQ(sendmmsg(pair.server->socket, messages.data(), 1, 0), 1);
  send(1, "yours\n");
  EXPECT_EQ(receive(1), std::vector<std::string>{"yours\n"}) << "not the one for another session";
}

}  // namespace
}  // namespace allo::sfu
