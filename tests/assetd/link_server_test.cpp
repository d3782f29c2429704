#include "assetd/link_server.hpp"

#include <enet/enet.h>
#include <gtest/gtest.h>

#include <vector>

#include "common/enet_link.hpp"
#include "tests/support/net.hpp"

namespace allo::assetd {
namespace {

struct Recorder : LinkServer::Listener {
  int connected = 0, disconnected = 0;
  std::vector<proto::LinkMessage> messages;
  std::vector<std::string> rejected;
  void on_link_connected() override { ++connected; }
  void on_link_message(const proto::LinkMessage& m) override { messages.push_back(m); }
  void on_link_rejected(const std::string& reason) override { rejected.push_back(reason); }
  void on_link_disconnected() override { ++disconnected; }
};

// A real LinkServer on loopback with a bare ENet client standing in for the place.
class LinkServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    enet_initialize();
    uint16_t port = testing::free_udp_port();
    auto server = LinkServer::open({"127.0.0.1", port}, recorder_);
    ASSERT_TRUE(server) << server.error().detail;
    server_ = std::move(*server);
    place_ = enet_host_create(nullptr, 1, 2, 0, 0);
    enet_link::tune_host(place_, true);  // as the place's AssetLink does
    ENetAddress address{};
    enet_address_set_host(&address, "127.0.0.1");
    address.port = port;
    peer_ = enet_host_connect(place_, &address, 2, 0);
    ASSERT_TRUE(
        testing::wait_until([&] { return recorder_.connected == 1 && up_; }, 5, [&] { step(); }));
  }
  void TearDown() override {
    server_.reset();
    enet_host_destroy(place_);
    enet_deinitialize();
  }

  void step() {
    server_->poll(1, 64);
    server_->flush();
    ENetEvent event;
    while (enet_host_service(place_, &event, 0) > 0) {
      if (event.type == ENET_EVENT_TYPE_CONNECT) up_ = true;
      if (event.type == ENET_EVENT_TYPE_RECEIVE) {
        received_.emplace_back(event.packet->data, event.packet->data + event.packet->dataLength);
        enet_packet_destroy(event.packet);
      }
    }
  }

  Recorder recorder_;
  std::unique_ptr<LinkServer> server_;
  ENetHost* place_ = nullptr;
  ENetPeer* peer_ = nullptr;
  bool up_ = false;
  std::vector<std::vector<uint8_t>> received_;
};

TEST_F(LinkServerTest, LoopbackLinksUseTheLargestEnetDatagram) {
  EXPECT_EQ(peer_->mtu, ENET_PROTOCOL_MAXIMUM_MTU);
}

TEST_F(LinkServerTest, ABacklogWaitsOutsideEnetAndArrivesWholeAndInOrder) {
  constexpr size_t kMessages = 64, kBytes = 64 * 1024;  // 4 MiB, far above the budget
  for (size_t i = 0; i < kMessages; ++i) {
    std::vector<uint8_t> message(kBytes, static_cast<uint8_t>(i));
    ASSERT_TRUE(server_->send(message));
  }
  EXPECT_GT(server_->waiting_messages(), kMessages - kLinkBytesInEnet / kBytes - 2);
  ASSERT_TRUE(
      testing::wait_until([&] { return received_.size() == kMessages; }, 20, [&] { step(); }));
  for (size_t i = 0; i < kMessages; ++i) {
    ASSERT_EQ(received_[i].size(), kBytes);
    EXPECT_EQ(received_[i].front(), static_cast<uint8_t>(i));
    EXPECT_EQ(received_[i].back(), static_cast<uint8_t>(i));
  }
  EXPECT_EQ(server_->waiting_messages(), 0u);
}

TEST_F(LinkServerTest, SmallMessagesOfATurnTravelAsOneBatchAroundLargeOnesInOrder) {
  std::vector<std::vector<uint8_t>> sent;
  for (uint32_t i = 1; i <= 100; ++i) sent.push_back(proto::encode_link_delivered(i, i));
  sent.push_back(std::vector<uint8_t>(proto::kLinkBatchedMessageMaxBytes + 1, 0x05));  // alone
  for (uint32_t i = 101; i <= 110; ++i) sent.push_back(proto::encode_link_delivered(i, i));
  for (const auto& m : sent) ASSERT_TRUE(server_->send(m));
  server_->flush();
  ASSERT_TRUE(testing::wait_until([&] { return received_.size() == 3; }, 5, [&] { step(); }));
  // Three packets: a batch of 100, the large message, a batch of 10.
  std::vector<std::vector<uint8_t>> got;
  for (const auto& packet : received_) {
    auto messages = proto::parse_link_packet(packet);
    ASSERT_TRUE(messages) << messages.error().detail;
    if (packet[0] == static_cast<uint8_t>(proto::LinkKind::kBatch)) {
      for (const auto& m : *messages) {
        EXPECT_EQ(m.kind, proto::LinkKind::kDelivered);
        got.push_back(proto::encode_link_delivered(m.agent, m.bytes));
      }
    } else {
      got.push_back(packet);
    }
  }
  EXPECT_EQ(got, sent);
}

TEST_F(LinkServerTest, IncomingBatchesAreHandedUpMessageByMessage) {
  proto::LinkBatchWriter batch;
  batch.add(proto::encode_link_agent_joined(4));
  batch.add(proto::encode_link_agent_left(4));
  enet_peer_send(
      peer_, 0,
      enet_packet_create(batch.bytes().data(), batch.bytes().size(), ENET_PACKET_FLAG_RELIABLE));
  std::vector<uint8_t> bad = {0x08, 0, 0, 0, 0, 0, 0, 0, 5, 0x02, 0, 0, 0, 0};  // agent 0
  enet_peer_send(peer_, 0, enet_packet_create(bad.data(), bad.size(), ENET_PACKET_FLAG_RELIABLE));
  ASSERT_TRUE(testing::wait_until(
      [&] { return recorder_.messages.size() == 2 && recorder_.rejected.size() == 1; }, 5,
      [&] { step(); }));
  EXPECT_EQ(recorder_.messages[0].kind, proto::LinkKind::kAgentJoined);
  EXPECT_EQ(recorder_.messages[1].kind, proto::LinkKind::kAgentLeft);
  EXPECT_EQ(recorder_.rejected[0], "bad_payload");
}

TEST_F(LinkServerTest, APlaceThatLeavesTakesTheBacklogWithIt) {
  for (size_t i = 0; i < 32; ++i) ASSERT_TRUE(server_->send(std::vector<uint8_t>(64 * 1024, 1)));
  ASSERT_GT(server_->waiting_messages(), 0u);
  enet_peer_disconnect_now(peer_, 0);
  ASSERT_TRUE(
      testing::wait_until([&] { return recorder_.disconnected == 1; }, 10, [&] { step(); }));
  EXPECT_EQ(server_->waiting_messages(), 0u);
  EXPECT_FALSE(server_->send(std::vector<uint8_t>(10, 1)));
}

}  // namespace
}  // namespace allo::assetd
