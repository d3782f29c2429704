// VoiceOpusEncoder/VoiceOpusDecoder: a real 48 kHz sine survives the round
// trip; wrong frame sizes and garbage are errors, not crashes.
#include "allo/voice_opus_decoder.hpp"
#include "allo/voice_opus_encoder.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

namespace allo::client {
namespace {

std::vector<int16_t> sine_frame(size_t first_sample, double amplitude) {
  std::vector<int16_t> pcm(kVoiceFrameSamples);
  for (size_t i = 0; i < pcm.size(); ++i) {
    const double t = static_cast<double>(first_sample + i) / kVoiceSampleRate;
    pcm[i] = static_cast<int16_t>(amplitude * 32767 * std::sin(2 * std::numbers::pi * 440 * t));
  }
  return pcm;
}

double rms(std::span<const int16_t> pcm) {
  double sum = 0;
  for (int16_t s : pcm) sum += static_cast<double>(s) * s;
  return std::sqrt(sum / static_cast<double>(pcm.size())) / 32767;
}

TEST(VoiceOpusCodec, SineRoundTripKeepsLengthAndLevel) {
  auto encoder = VoiceOpusEncoder::create();
  auto decoder = VoiceOpusDecoder::create();
  ASSERT_TRUE(encoder && decoder);
  std::vector<int16_t> last;
  for (int f = 0; f < 20; ++f) {
    auto opus = encoder->encode(sine_frame(f * kVoiceFrameSamples, 0.5));
    ASSERT_TRUE(opus) << opus.error().detail;
    EXPECT_GT(opus->size(), 2u);
    EXPECT_LE(opus->size(), kMaxVoiceOpusBytes);
    auto pcm = decoder->decode(*opus);
    ASSERT_TRUE(pcm);
    ASSERT_EQ(pcm->size(), kVoiceFrameSamples);
    last = *pcm;
  }
  // A sine of peak 0.5 has an RMS of 0.5 / sqrt(2).
  EXPECT_NEAR(rms(last), 0.5 / std::sqrt(2.0), 0.05);
  EXPECT_EQ(decoder->conceal().size(), kVoiceFrameSamples);
}

TEST(VoiceOpusCodec, WrongFrameSizeIsAnError) {
  auto encoder = VoiceOpusEncoder::create();
  ASSERT_TRUE(encoder);
  std::vector<int16_t> short_frame(480);
  auto out = encoder->encode(short_frame);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, "bad_frame_size");
}

TEST(VoiceOpusCodec, GarbageIsRejectedAndTheDecoderStaysUsable) {
  auto encoder = VoiceOpusEncoder::create();
  auto decoder = VoiceOpusDecoder::create();
  ASSERT_TRUE(encoder && decoder);
  // TOC byte 0x03 (code 3) needs a frame-count byte: truncated.
  const std::vector<uint8_t> garbage{0x03};
  auto bad = decoder->decode(garbage);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "invalid_opus");
  EXPECT_FALSE(decoder->decode({}));
  auto opus = encoder->encode(sine_frame(0, 0.3));
  ASSERT_TRUE(opus);
  auto pcm = decoder->decode(*opus);
  ASSERT_TRUE(pcm);
  EXPECT_EQ(pcm->size(), kVoiceFrameSamples);
}

TEST(VoiceOpusCodec, BadSettingsAreAnError) {
  VoiceEncoderOptions options;
  options.complexity = 42;
  auto encoder = VoiceOpusEncoder::create(options);
  ASSERT_FALSE(encoder);
  EXPECT_EQ(encoder.error().code, "opus_error");
}

}  // namespace
}  // namespace allo::client
