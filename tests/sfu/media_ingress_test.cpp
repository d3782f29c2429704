#include "sfu/media_ingress.hpp"

#include <gtest/gtest.h>

#include "opus_test_signal.hpp"
#include "proto/media_packet.hpp"

namespace allo::sfu {
namespace {

class MediaIngressTest : public ::testing::Test {
 protected:
  MediaIngressTest() {
    registry.add_agent("alice");
    registry.add_agent("bob");
    registry.add_track(7, "alice", "e1");
  }
  TrackRegistry registry;
  MediaIngress ingress{registry};
  std::vector<uint8_t> opus = test::encode_sine(0.5f, 440, 1)[0];
};

TEST_F(MediaIngressTest, AcceptsOwnersOpusAndStampsIt) {
  auto wire = proto::encode_media_packet(7, opus);
  auto packet = ingress.accept("alice", wire, 42);
  ASSERT_TRUE(packet);
  EXPECT_EQ(packet->track_id(), 7u);
  EXPECT_EQ(packet->arrival_ns(), 42);
  EXPECT_GT(packet->level_dbfs(), -30.0f);
  EXPECT_EQ(std::vector<uint8_t>(packet->bytes().begin(), packet->bytes().end()), wire)
      << "forwarded unchanged";
}

TEST_F(MediaIngressTest, ASendersOwnLevelIsTakenWithoutDecodingAndTheTrailerRestored) {
  auto wire = proto::encode_media_packet(7, opus, proto::level_trailer(-42.0f));
  auto packet = ingress.accept("alice", wire, 42);
  ASSERT_TRUE(packet);
  EXPECT_EQ(packet->level_dbfs(), -42.0f) << "the sender's, not the sine's";
  EXPECT_EQ(ingress.decoded(), 0u);
  std::vector<uint8_t> seed = wire;
  seed.back() = '\n';
  EXPECT_EQ(std::vector<uint8_t>(packet->bytes().begin(), packet->bytes().end()), seed)
      << "forwarded as the seed protocol has it";
  // A packet without one is decoded, and counted.
  auto decoded = ingress.accept("alice", proto::encode_media_packet(7, opus), 43);
  ASSERT_TRUE(decoded);
  EXPECT_GT(decoded->level_dbfs(), -30.0f);
  EXPECT_EQ(ingress.decoded(), 1u);
}

TEST_F(MediaIngressTest, ALevelDoesNotLetMalformedOpusThrough) {
  const auto bad =
      proto::encode_media_packet(7, std::vector<uint8_t>{0x03, 0x00}, proto::level_trailer(-10.0f));
  EXPECT_EQ(ingress.accept("alice", bad, 0).error(), DropReason::kInvalidOpus);
  EXPECT_EQ(ingress.accept("bob", proto::encode_media_packet(7, opus, proto::level_trailer(0)), 0)
                .error(),
            DropReason::kNotOwner);
}

TEST_F(MediaIngressTest, DropsWithTheRightReason) {
  EXPECT_EQ(ingress.accept("bob", proto::encode_media_packet(7, opus), 0).error(),
            DropReason::kNotOwner);
  EXPECT_EQ(ingress.accept("alice", proto::encode_media_packet(8, opus), 0).error(),
            DropReason::kUnknownTrack);
  EXPECT_EQ(ingress.accept("alice", std::vector<uint8_t>{0, 0, 0, 7, '\n'}, 0).error(),
            DropReason::kTooShort);
  EXPECT_EQ(ingress.accept("alice", std::vector<uint8_t>(5000, 0), 0).error(),
            DropReason::kTooLarge);
  EXPECT_EQ(
      ingress.accept("alice", proto::encode_media_packet(7, std::vector<uint8_t>{0x03, 0x00}), 0)
          .error(),
      DropReason::kInvalidOpus);
}

}  // namespace
}  // namespace allo::sfu
