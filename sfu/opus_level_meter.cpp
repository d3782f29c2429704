#include "sfu/opus_level_meter.hpp"

#include <opus.h>

#include <cmath>

namespace allo::sfu {

namespace {
constexpr int kMeterSampleRate = 16000;
constexpr int kMaxFrameSamples = kMeterSampleRate * 120 / 1000;  // Opus' longest packet
}  // namespace

void OpusLevelMeter::DecoderDeleter::operator()(OpusDecoder* decoder) const {
  opus_decoder_destroy(decoder);
}

OpusLevelMeter::OpusLevelMeter() : pcm_(std::make_unique<int16_t[]>(kMaxFrameSamples)) {}
OpusLevelMeter::~OpusLevelMeter() = default;

proto::Result<float> OpusLevelMeter::measure(uint32_t track, std::span<const uint8_t> opus) {
  auto it = decoders_.find(track);
  if (it == decoders_.end()) {
    int error = OPUS_OK;
    OpusDecoder* decoder = opus_decoder_create(kMeterSampleRate, 1, &error);
    if (error != OPUS_OK || decoder == nullptr) {
      return proto::fail("decoder_failed", opus_strerror(error));
    }
    it = decoders_.emplace(track, decoder).first;
  }
  const int samples =
      opus_decode(it->second.get(), opus.data(), static_cast<opus_int32>(opus.size()), pcm_.get(),
                  kMaxFrameSamples, 0);
  if (samples < 0) {
    opus_decoder_ctl(it->second.get(), OPUS_RESET_STATE);
    return proto::fail("invalid_opus", opus_strerror(samples));
  }
  return rms_dbfs({pcm_.get(), static_cast<size_t>(samples)});
}

void OpusLevelMeter::forget(uint32_t track) {
  decoders_.erase(track);
}

bool OpusLevelMeter::well_formed(std::span<const uint8_t> opus) {
  unsigned char toc = 0;
  const unsigned char* frames[48];
  opus_int16 sizes[48];
  return opus_packet_parse(opus.data(), static_cast<opus_int32>(opus.size()), &toc, frames, sizes,
                           nullptr) > 0;
}

}  // namespace allo::sfu
