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

float rms_dbfs(std::span<const int16_t> pcm) {
  if (pcm.empty()) return kSilenceDbfs;
  double sum = 0;
  for (int16_t s : pcm) sum += static_cast<double>(s) * s;
  const double rms = std::sqrt(sum / static_cast<double>(pcm.size())) / 32768.0;
  // +3.01 dB so a full-scale sine reads 0 dBFS (AES17 convention).
  const double db = 20.0 * std::log10(rms) + 3.0103;
  return rms <= 0 || db < kSilenceDbfs ? kSilenceDbfs : static_cast<float>(db);
}

}  // namespace allo::sfu
