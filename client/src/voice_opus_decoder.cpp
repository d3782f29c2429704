#include "allo/voice_opus_decoder.hpp"

#include <opus.h>

#include <string>

namespace allo::client {
namespace {

// Room for the longest frame libopus may return (120 ms at 48 kHz).
constexpr int kMaxDecodedSamples = 5760;

}  // namespace

void VoiceOpusDecoder::Free::operator()(OpusDecoder* decoder) const {
  opus_decoder_destroy(decoder);
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
