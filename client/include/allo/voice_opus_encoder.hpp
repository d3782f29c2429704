// VoiceOpusEncoder: PCM to Opus in the voice format (allo/voice_format.hpp).
// Owns one libopus encoder. Not thread-safe (one per thread); movable, not
// copyable. Errors come back as values, never exceptions.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "allo/voice_format.hpp"
#include "proto/error.hpp"

struct OpusEncoder;

namespace allo::client {

struct VoiceEncoderOptions {
  int bitrate_bps = 24000;
  int complexity = 5;  // 0..10; lower is cheaper
  bool dtx = false;    // discontinuous transmission: near-empty packets in silence
};

class VoiceOpusEncoder {
 public:
  // Errors: "opus_error" (libopus refused the settings; detail says why).
  static proto::Result<VoiceOpusEncoder> create(const VoiceEncoderOptions& options = {});
  // Encodes exactly one 20 ms frame. Errors: "bad_frame_size" (not 960
  // samples), "opus_error".
  proto::Result<std::vector<uint8_t>> encode(std::span<const int16_t> pcm);

 private:
  struct Free {
    void operator()(OpusEncoder* encoder) const;
  };
  std::unique_ptr<OpusEncoder, Free> state_;
};

}  // namespace allo::client
