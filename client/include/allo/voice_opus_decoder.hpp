// VoiceOpusDecoder: Opus to PCM in the voice format (allo/voice_format.hpp),
// one per received track. Owns one libopus decoder. Not thread-safe; movable,
// not copyable. Errors come back as values, never exceptions.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "allo/voice_format.hpp"
#include "proto/error.hpp"

struct OpusDecoder;

namespace allo::client {

class VoiceOpusDecoder {
 public:
  // Errors: "opus_error".
  static proto::Result<VoiceOpusDecoder> create();
  // Decodes one packet to PCM (960 samples for a 20 ms packet). Errors:
  // "invalid_opus" (libopus rejected the bytes; the decoder stays usable).
  proto::Result<std::vector<int16_t>> decode(std::span<const uint8_t> packet);
  // Packet-loss concealment: one 20 ms frame extrapolated from the past.
  std::vector<int16_t> conceal();

 private:
  struct Free {
    void operator()(OpusDecoder* decoder) const;
  };
  std::unique_ptr<OpusDecoder, Free> state_;
};

}  // namespace allo::client
