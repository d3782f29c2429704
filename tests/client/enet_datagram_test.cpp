// scan_enet_datagram against datagrams a real ENet host wrote (captured with
// the receiving host's intercept), and against damaged ones.
#include "enet_datagram.hpp"

#include <enet/enet.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/enet_loopback_pair.hpp"
#include "tests/support/net.hpp"

namespace allo::client {
namespace {

using Bytes = std::vector<uint8_t>;

struct Seen {
  uint8_t channel;
  std::string payload;
  bool operator==(const Seen&) const = default;
};

std::vector<Seen> scan(const Bytes& datagram) {
  std::vector<Seen> seen;
  scan_enet_datagram(datagram, [&](uint8_t channel, std::span<const uint8_t> payload) {
    seen.push_back({channel, std::string(payload.begin(), payload.end())});
  });
  return seen;
}

std::vector<Bytes>* captured = nullptr;

int capture(ENetHost* host, ENetEvent*) {
  if (captured)
    captured->emplace_back(host->receivedData, host->receivedData + host->receivedDataLength);
  return 0;
}

TEST(EnetDatagram, FindsEverySendAnEnetHostWrote) {
  testing::EnetLoopbackPair pair;
  ASSERT_TRUE(pair.connect());
  ENetHost* server = pair.server;
  ENetHost* client = pair.client;
  ENetPeer* peer = pair.server_peer;
  std::vector<Bytes> datagrams;
  captured = &datagrams;
  client->intercept = capture;
  ENetEvent event;
  // One of each kind, queued together so ENet packs several per datagram.
  const std::vector<Seen> sent = {
      {0, "reliable"}, {3, "unreliable"}, {2, "unsequenced"}, {3, std::string(300, 'x')}};
  const enet_uint32 flags[] = {ENET_PACKET_FLAG_RELIABLE, 0, ENET_PACKET_FLAG_UNSEQUENCED, 0};
  for (size_t i = 0; i < sent.size(); ++i) {
    enet_peer_send(peer, sent[i].channel,
                   enet_packet_create(sent[i].payload.data(), sent[i].payload.size(), flags[i]));
  }
  // A packet larger than the MTU goes in fragments: not reported.
  std::string big(5000, 'f');
  enet_peer_send(peer, 3, enet_packet_create(big.data(), big.size(), ENET_PACKET_FLAG_RELIABLE));
  enet_host_flush(server);
  int received = 0;
  ASSERT_TRUE(testing::wait_until([&] { return received == 5; }, 5,
                                  [&] {
                                    while (enet_host_service(client, &event, 1) > 0) {
                                      if (event.type == ENET_EVENT_TYPE_RECEIVE) {
                                        ++received;
                                        enet_packet_destroy(event.packet);
                                      }
                                    }
                                    enet_host_service(server, &event, 0);
                                  }));
  std::vector<Seen> found;
  for (const auto& d : datagrams) {
    for (auto& s : scan(d)) found.push_back(s);
  }
  for (const auto& s : sent) {
    EXPECT_NE(std::find(found.begin(), found.end(), s), found.end()) << s.payload.substr(0, 20);
  }
  for (const auto& s : found) EXPECT_NE(s.payload, big.substr(0, s.payload.size()));
  captured = nullptr;
}

// [peer 0x0001, no sent time][unreliable ch 3 rel 0 unrel 1 len 3]"abc"
Bytes one_unreliable() {
  return {0x00, 0x01, ENET_PROTOCOL_COMMAND_SEND_UNRELIABLE, 3, 0, 0, 0, 1, 0, 3, 'a', 'b', 'c'};
}

TEST(EnetDatagram, ReadsAHandWrittenDatagram) {
  EXPECT_EQ(scan(one_unreliable()), (std::vector<Seen>{{3, "abc"}}));
}

TEST(EnetDatagram, StopsAtDamageAndSkipsWhatItCannotRead) {
  Bytes truncated = one_unreliable();
  truncated.pop_back();  // dataLength says 3, 2 bytes follow
  EXPECT_TRUE(scan(truncated).empty());
  Bytes compressed = one_unreliable();
  compressed[0] |= ENET_PROTOCOL_HEADER_FLAG_COMPRESSED >> 8;
  EXPECT_TRUE(scan(compressed).empty());
  Bytes unknown = one_unreliable();
  unknown[2] = 0x0e;  // no such command
  EXPECT_TRUE(scan(unknown).empty());
  Bytes two = one_unreliable();
  two.insert(two.end(), {0x0f, 0, 0, 0});  // a good send, then garbage
  EXPECT_EQ(scan(two).size(), 1u);
  EXPECT_TRUE(scan(Bytes{0x00}).empty());
}

}  // namespace
}  // namespace allo::client
