#include "common/audio_level.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

namespace allo {
namespace {

TEST(RmsDbfs, FullScaleSquareIsAboutPlusThree) {
  std::vector<int16_t> square(160);
  for (size_t i = 0; i < square.size(); ++i) square[i] = (i % 2) ? 32767 : -32767;
  EXPECT_NEAR(rms_dbfs(square), 3.01, 0.01);
}

TEST(RmsDbfs, AHalfScaleSineIsMinusSix) {
  std::vector<int16_t> sine(960);
  for (size_t i = 0; i < sine.size(); ++i) {
    sine[i] = static_cast<int16_t>(16384 * std::sin(2 * std::numbers::pi * 440 * i / 48000.0));
  }
  EXPECT_NEAR(rms_dbfs(sine), -6.02, 0.05);
}

TEST(RmsDbfs, SilenceAndNothingAreTheFloor) {
  EXPECT_EQ(rms_dbfs(std::vector<int16_t>(160, 0)), kSilenceDbfs);
  EXPECT_EQ(rms_dbfs({}), kSilenceDbfs);
}

}  // namespace
}  // namespace allo
