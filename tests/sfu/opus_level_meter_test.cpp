#include "sfu/opus_level_meter.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "opus_test_signal.hpp"

namespace allo::sfu {
namespace {

float steady_level(float amplitude) {
  OpusLevelMeter meter;
  float level = kSilenceDbfs;
  for (const auto& packet : test::encode_sine(amplitude, 440, 25)) {
    auto measured = meter.measure(1, packet);
    EXPECT_TRUE(measured.has_value());
    if (measured) level = *measured;
  }
  return level;
}

TEST(OpusLevelMeter, MeasuresSineAmplitudeInDbfs) {
  // A sine of peak A reads 20*log10(A) dBFS; Opus is lossy, allow 1.5 dB.
  EXPECT_NEAR(steady_level(0.5f), 20 * std::log10(0.5f), 1.5);
  EXPECT_NEAR(steady_level(0.05f), 20 * std::log10(0.05f), 1.5);
  EXPECT_LT(steady_level(0.0f), -80);
}

TEST(OpusLevelMeter, OneDecoderPerTrackAndForget) {
  OpusLevelMeter meter;
  auto packets = test::encode_sine(0.3f, 300, 1);
  ASSERT_TRUE(meter.measure(1, packets[0]));
  ASSERT_TRUE(meter.measure(2, packets[0]));
  EXPECT_EQ(meter.decoder_count(), 2u);
  meter.forget(1);
  EXPECT_EQ(meter.decoder_count(), 1u);
}

TEST(OpusLevelMeter, RejectsGarbage) {
  OpusLevelMeter meter;
  // TOC byte for code 3 (arbitrary frame count) with a frame count of 0: invalid.
  const std::vector<uint8_t> garbage = {0x03, 0x00};
  auto result = meter.measure(1, garbage);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "invalid_opus");
}

TEST(OpusLevelMeter, WellFormedAgreesWithTheDecoderWithoutDecoding) {
  for (const auto& packet : test::encode_sine(0.5f, 440, 5)) {
    EXPECT_TRUE(OpusLevelMeter::well_formed(packet));
  }
  const std::vector<std::vector<uint8_t>> refused = {
      {0x03, 0x00},              // code 3 with a frame count of 0
      {0x03, 0x31},              // code 3 asking for 49 frames (over 120 ms)
      {0x01, 0x05, 0x05, 0x05},  // code 1 (two equal frames) in an odd length
      {},
  };
  for (const auto& bad : refused) {
    EXPECT_FALSE(OpusLevelMeter::well_formed(bad)) << bad.size() << " bytes";
    if (!bad.empty()) {
      OpusLevelMeter meter;
      EXPECT_FALSE(meter.measure(1, bad)) << "the decoder refuses it too";
    }
  }
}

}  // namespace
}  // namespace allo::sfu
