#include "allo/voice_opus_encoder.hpp"

#include <opus.h>

#include <string>

namespace allo::client {

void VoiceOpusEncoder::Free::operator()(OpusEncoder* encoder) const {
  opus_encoder_destroy(encoder);
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

}  // namespace allo::client
