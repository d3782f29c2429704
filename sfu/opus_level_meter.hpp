// Audio level of Opus packets: each packet is decoded with libopus (one
// decoder per track, at 16 kHz mono: enough for a level, a third of the work of
// 48 kHz) and its RMS is returned in dBFS (0 = full scale sine peak, floor
// kSilenceDbfs). A packet libopus rejects is reported as an error so the
// caller can drop it before it reaches a listener's decoder.
//
// Thread-safety: none; one meter per ingress thread (decoders keep state).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <unordered_map>

#include "proto/error.hpp"

struct OpusDecoder;

namespace allo::sfu {

inline constexpr float kSilenceDbfs = -127.0f;

class OpusLevelMeter {
 public:
  OpusLevelMeter();
  ~OpusLevelMeter();
  OpusLevelMeter(const OpusLevelMeter&) = delete;
  OpusLevelMeter& operator=(const OpusLevelMeter&) = delete;

  // Decodes `opus` on `track`'s decoder. Errors: "invalid_opus" (libopus
  // refused the packet; its decoder state is reset), "decoder_failed" (could
  // not create a decoder).
  proto::Result<float> measure(uint32_t track, std::span<const uint8_t> opus);
  // Frees the decoder of a removed track.
  void forget(uint32_t track);
  size_t decoder_count() const { return decoders_.size(); }

 private:
  struct DecoderDeleter {
    void operator()(OpusDecoder* decoder) const;
  };
  std::unordered_map<uint32_t, std::unique_ptr<OpusDecoder, DecoderDeleter>> decoders_;
  std::unique_ptr<int16_t[]> pcm_;
};

// RMS of 16-bit PCM in dBFS, floored at kSilenceDbfs.
float rms_dbfs(std::span<const int16_t> pcm);

}  // namespace allo::sfu
