#include "common/enet_peer_slots.hpp"

#include <enet/enet.h>
#include <gtest/gtest.h>

#include <vector>

#include "tests/support/net.hpp"

namespace allo {
namespace {

class PeerSlotsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    enet_initialize();
    address_.host = ENET_HOST_ANY;
    enet_address_set_host(&address_, "127.0.0.1");
    address_.port = testing::free_udp_port();
    server_ = enet_host_create(&address_, kCapacity, 1, 0, 0);
    ASSERT_NE(server_, nullptr);
    slots_ = std::make_unique<PeerSlots>(server_);
  }
  void TearDown() override {
    for (auto* c : clients_) enet_host_destroy(c);
    slots_.reset();  // restores peerCount before the host goes
    enet_host_destroy(server_);
    enet_deinitialize();
  }

  void handle(const ENetEvent& event) {
    if (event.type == ENET_EVENT_TYPE_CONNECT) ++connected_;
    if (event.type == ENET_EVENT_TYPE_DISCONNECT) --connected_;
    if (event.type == ENET_EVENT_TYPE_RECEIVE) {
      ++received_;
      enet_packet_destroy(event.packet);
    } else {
      slots_->update();
    }
  }

  // Services the clients, then the server for up to 1 ms.
  void step() {
    ENetEvent event;
    for (auto* c : clients_) {
      while (enet_host_service(c, &event, 0) > 0) {
        if (event.type == ENET_EVENT_TYPE_RECEIVE) enet_packet_destroy(event.packet);
      }
    }
    if (enet_host_service(server_, &event, 1) > 0) {
      handle(event);
      while (enet_host_check_events(server_, &event) > 0) handle(event);
    }
  }

  // Server-side slots in use, highest first.
  std::vector<size_t> used_slots() const {
    std::vector<size_t> used;
    for (size_t i = kCapacity; i-- > 0;) {
      if (server_->peers[i].state == ENET_PEER_STATE_CONNECTED) used.push_back(i);
    }
    return used;
  }

  void connect(size_t n) {
    for (size_t i = 0; i < n; ++i) {
      clients_.push_back(enet_host_create(nullptr, 1, 1, 0, 0));
      ASSERT_NE(enet_host_connect(clients_.back(), &address_, 1, 0), nullptr);
    }
  }

  static constexpr size_t kCapacity = 512;
  ENetAddress address_{};
  ENetHost* server_ = nullptr;
  std::unique_ptr<PeerSlots> slots_;
  std::vector<ENetHost*> clients_;
  int connected_ = 0;
  int received_ = 0;
};

TEST_F(PeerSlotsTest, AnIdleHostScansOnlyTheSpareBand) {
  EXPECT_EQ(slots_->capacity(), kCapacity);
  EXPECT_EQ(slots_->scanned(), PeerSlots::kMinSpare);
}

TEST_F(PeerSlotsTest, TheBandGrowsWithConnectionsAndKeepsSpareSlots) {
  connect(100);
  ASSERT_TRUE(testing::wait_until([&] { return connected_ == 100; }, 10, [&] { step(); }));
  EXPECT_EQ(slots_->scanned(), 100 + PeerSlots::kMinSpare);
  connect(40);
  ASSERT_TRUE(testing::wait_until([&] { return connected_ == 140; }, 10, [&] { step(); }));
  EXPECT_EQ(slots_->scanned(), 280u);  // as many spare slots as used ones
  EXPECT_LT(slots_->scanned(), kCapacity);
}

// More connections at once than the spare band holds: the ones that found no
// slot are retried by their ENet clients and get in once the band grew.
TEST_F(PeerSlotsTest, ABurstLargerThanTheBandStillConnectsEveryone) {
  connect(300);
  ASSERT_TRUE(testing::wait_until([&] { return connected_ == 300; }, 20, [&] { step(); }));
  EXPECT_EQ(slots_->scanned(), kCapacity);
}

TEST_F(PeerSlotsTest, TheBandShrinksWhenTheTopSlotsAreFreeAgainButNeverHidesAPeer) {
  connect(100);
  ASSERT_TRUE(testing::wait_until([&] { return connected_ == 100; }, 10, [&] { step(); }));
  std::vector<size_t> used = used_slots();
  ASSERT_EQ(used.size(), 100u);
  size_t top = used.front(), bottom = used.back();
  // Everyone but the lowest and the highest slot leaves: the band cannot
  // shrink below the highest one.
  for (size_t i = 1; i + 1 < used.size(); ++i) enet_peer_disconnect(&server_->peers[used[i]], 0);
  ASSERT_TRUE(testing::wait_until([&] { return connected_ == 2; }, 10, [&] { step(); }));
  EXPECT_EQ(slots_->scanned(),
            std::min(kCapacity, std::max(top + 1 + PeerSlots::kMinSpare, (top + 1) * 2)));
  // Now the highest one leaves too: only the lowest slot is used.
  enet_peer_disconnect(&server_->peers[top], 0);
  ASSERT_TRUE(testing::wait_until([&] { return connected_ == 1; }, 10, [&] { step(); }));
  EXPECT_EQ(slots_->scanned(), bottom + 1 + PeerSlots::kMinSpare);
  // The remaining peer still reaches the server.
  for (auto* c : clients_) {
    if (c->peers[0].state == ENET_PEER_STATE_CONNECTED)
      enet_peer_send(&c->peers[0], 0, enet_packet_create("x", 1, ENET_PACKET_FLAG_RELIABLE));
  }
  EXPECT_TRUE(testing::wait_until([&] { return received_ == 1; }, 5, [&] { step(); }));
}

TEST_F(PeerSlotsTest, RestoreGivesEnetEverySlotBack) {
  slots_->restore();
  EXPECT_EQ(server_->peerCount, kCapacity);
}

}  // namespace
}  // namespace allo
