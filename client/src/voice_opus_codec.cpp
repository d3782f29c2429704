#include "allo/voice_opus_codec.hpp"

#include <opus.h>

#include <string>

namespace allo::client {
namespace {

// Room for the longest frame libopus may return (120 ms at 48 kHz).
constexpr int kMaxDecodedSamples = 5760;

}  // namespace

void VoiceOpusEncoder::Free::operator()(OpusEncoder* encoder) const {
  opus_encoder_destroy(encoder);
}

void VoiceOpusDecoder::Free::operator()(OpusDecoder* decoder) const {
  opus_decoder_destroy(decoder);
}

proto::Result<VoiceOpusEncoder> VoiceOpusEncoder::create(const VoiceEncoderOptions& options) {
  int error = 0;
  OpusEncoder* raw =
      opus_encoder_create(kVoiceSampleRate, kVoiceChannels, OPUS_APPLICATION_VOIP, &error);
  if (error != OPUS_OK || raw == nullptr) {
    return proto::fail("opus_error", std::string("opus_encoder_create: ") + opus_strerror(error));
  }
  VoiceOpusEncoder encoder;
  encoder.state_.reset(raw);
  if (opus_encoder_ctl(raw, OPUS_SET_BITRATE(options.bitrate_bps)) != OPUS_OK ||
      opus_encoder_ctl(raw, OPUS_SET_COMPLEXITY(options.complexity)) != OPUS_OK ||
      opus_encoder_ctl(raw, OPUS_SET_DTX(options.dtx ? 1 : 0)) != OPUS_OK) {
    return proto::fail("opus_error", "bitrate, complexity or dtx out of range");
  }
  return encoder;
}

proto::Result<std::vector<uint8_t>> VoiceOpusEncoder::encode(std::span<const int16_t> pcm) {
  if (pcm.size() != kVoiceFrameSamples) {
    return proto::fail("bad_frame_size", "expected 960 samples, got " + std::to_string(pcm.size()));
  }
  std::vector<uint8_t> out(kMaxVoiceOpusBytes);
  const int bytes = opus_encode(state_.get(), pcm.data(), static_cast<int>(pcm.size()), out.data(),
                                static_cast<opus_int32>(out.size()));
  if (bytes < 0) return proto::fail("opus_error", opus_strerror(bytes));
  out.resize(static_cast<size_t>(bytes));
  return out;
}

proto::Result<VoiceOpusDecoder> VoiceOpusDecoder::create() {
  int error = 0;
  OpusDecoder* raw = opus_decoder_create(kVoiceSampleRate, kVoiceChannels, &error);
  if (error != OPUS_OK || raw == nullptr) {
    return proto::fail("opus_error", std::string("opus_decoder_create: ") + opus_strerror(error));
  }
  VoiceOpusDecoder decoder;
  decoder.state_.reset(raw);
  return decoder;
}

proto::Result<std::vector<int16_t>> VoiceOpusDecoder::decode(std::span<const uint8_t> packet) {
  if (packet.empty()) return proto::fail("invalid_opus", "empty packet");
  std::vector<int16_t> pcm(kMaxDecodedSamples);
  const int samples =
      opus_decode(state_.get(), packet.data(), static_cast<opus_int32>(packet.size()), pcm.data(),
                  kMaxDecodedSamples, 0);
  if (samples < 0) return proto::fail("invalid_opus", opus_strerror(samples));
  pcm.resize(static_cast<size_t>(samples));
  return pcm;
}

std::vector<int16_t> VoiceOpusDecoder::conceal() {
  std::vector<int16_t> pcm(kVoiceFrameSamples);
  const int samples =
      opus_decode(state_.get(), nullptr, 0, pcm.data(), static_cast<int>(kVoiceFrameSamples), 0);
  pcm.resize(samples < 0 ? 0 : static_cast<size_t>(samples));
  return pcm;
}

}  // namespace allo::client
