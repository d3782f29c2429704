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
