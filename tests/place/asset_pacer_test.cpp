#include "place/asset_pacer.hpp"

#include <enet/enet.h>
#include <gtest/gtest.h>

#include <vector>

#include "tests/support/enet_loopback_pair.hpp"
#include "tests/support/net.hpp"

namespace allo::place {
namespace {

constexpr uint8_t kChannel = 2;
constexpr size_t kFrame = 64 * 1024;

// A real loopback pair: the pacer sends on the server's peer for agent 7.
class AssetPacerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(pair_.connect());
    pacer_ = std::make_unique<AssetPacer>(
        kChannel, [&](AgentId agent) { return agent == 7 && !gone_ ? peer_ : nullptr; },
        [&](const AssetPacer::Release& r) { releases_.push_back(r); });
  }
  void TearDown() override { pacer_.reset(); }

  void step() {
    ENetEvent event;
    while (enet_host_service(client_, &event, 0) > 0) {
      if (event.type == ENET_EVENT_TYPE_RECEIVE) {
        received_.emplace_back(event.packet->data, event.packet->data + event.packet->dataLength);
        channels_.push_back(event.channelID);
        enet_packet_destroy(event.packet);
      }
    }
    enet_host_service(server_, &event, 1);
    if (pacer_) pacer_->pump();
  }

  std::vector<uint8_t> frame(uint8_t tag, size_t size = kFrame) {
    return std::vector<uint8_t>(size, tag);
  }

  testing::EnetLoopbackPair pair_{3};
  ENetHost*& server_ = pair_.server;
  ENetHost*& client_ = pair_.client;
  ENetPeer*& peer_ = pair_.server_peer;
  bool gone_ = false;
  std::unique_ptr<AssetPacer> pacer_;
  std::vector<AssetPacer::Release> releases_;
  std::vector<std::vector<uint8_t>> received_;
  std::vector<uint8_t> channels_;
};

TEST_F(AssetPacerTest, HandsEnetNoMoreThanTheBudgetAndKeepsTheRestWaiting) {
  for (uint8_t i = 0; i < 10; ++i) pacer_->enqueue(7, frame(i));
  EXPECT_EQ(pacer_->waiting_frames(), 10u);
  pacer_->pump();
  // Frames go in while less than the budget is inside ENet: three of 64 KiB.
  EXPECT_EQ(pacer_->bytes_in_enet(7), 3 * kFrame);
  EXPECT_EQ(pacer_->waiting_frames(), 7u);
  EXPECT_TRUE(releases_.empty());
}

TEST_F(AssetPacerTest, SmallFramesAreCappedByCountNotOnlyBytes) {
  // 1 KB frames: the byte budget would let 160 in; ENet's window holds ~50.
  for (int i = 0; i < 200; ++i) pacer_->enqueue(7, frame(static_cast<uint8_t>(i), 1024));
  pacer_->pump();
  EXPECT_EQ(pacer_->bytes_in_enet(7), kAssetPacerFramesInEnet * 1024);
  EXPECT_EQ(pacer_->waiting_frames(), 200 - kAssetPacerFramesInEnet);
  // All of them still arrive, in order, as ENet releases the first ones.
  ASSERT_TRUE(testing::wait_until([&] { return received_.size() == 200; }, 10, [&] { step(); }));
  for (int i = 0; i < 200; ++i) ASSERT_EQ(received_[i].front(), static_cast<uint8_t>(i));
}

TEST_F(AssetPacerTest, DeliversEveryFrameInOrderAndReportsEachRelease) {
  pacer_->set_epoch(5);
  for (uint8_t i = 0; i < 10; ++i) pacer_->enqueue(7, frame(i, kFrame - i));
  size_t peak = 0;
  ASSERT_TRUE(testing::wait_until([&] { return releases_.size() == 10; }, 10,
                                  [&] {
                                    step();
                                    peak = std::max(peak, pacer_->bytes_in_enet(7));
                                  }));
  ASSERT_TRUE(testing::wait_until([&] { return received_.size() == 10; }, 5, [&] { step(); }));
  for (uint8_t i = 0; i < 10; ++i) {
    EXPECT_EQ(received_[i].size(), kFrame - i);
    EXPECT_EQ(received_[i].front(), i);
    EXPECT_EQ(channels_[i], kChannel);
    EXPECT_EQ(releases_[i].agent, 7u);
    EXPECT_EQ(releases_[i].bytes, kFrame - i);
    EXPECT_EQ(releases_[i].epoch, 5u);
  }
  EXPECT_LT(peak, kAssetPacerBytesInEnet + kFrame);
  EXPECT_EQ(pacer_->bytes_in_enet(7), 0u);
  EXPECT_EQ(pacer_->waiting_frames(), 0u);
}

TEST_F(AssetPacerTest, FramesForAnAgentThatLeftAreDroppedAndStillReported) {
  for (uint8_t i = 0; i < 6; ++i) pacer_->enqueue(7, frame(i));
  pacer_->pump();
  ASSERT_EQ(pacer_->waiting_frames(), 3u);
  gone_ = true;
  enet_peer_reset(peer_);  // ENet releases the three it held
  pacer_->pump();
  EXPECT_EQ(pacer_->waiting_frames(), 0u);
  ASSERT_EQ(releases_.size(), 6u);
  size_t bytes = 0;
  for (const auto& r : releases_) bytes += r.bytes;
  EXPECT_EQ(bytes, 6 * kFrame);
  EXPECT_EQ(pacer_->bytes_in_enet(7), 0u);
}

TEST_F(AssetPacerTest, UnknownAgentsGetNothingSentAndTheirFramesReleased) {
  pacer_->enqueue(99, frame(1, 100));
  pacer_->pump();
  ASSERT_EQ(releases_.size(), 1u);
  EXPECT_EQ(releases_[0].agent, 99u);
  EXPECT_EQ(releases_[0].bytes, 100u);
  EXPECT_EQ(pacer_->waiting_frames(), 0u);
}

}  // namespace
}  // namespace allo::place
