// Audio level of Opus packets: each packet is decoded with libopus (one
// decoder per track, at 16 kHz mono: enough for a level, a third of the work of
// 48 kHz) and its RMS is returned in dBFS (common/audio_level.hpp). Only for
// senders that do not put their level in the packet's trailing byte. A packet
// libopus rejects is reported as an error so the caller can drop it before it
// reaches a listener's decoder; well_formed() is that check without decoding.
//
// Thread-safety: none; one meter per ingress thread (decoders keep state).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <unordered_map>

#include "common/audio_level.hpp"
#include "proto/error.hpp"

struct OpusDecoder;

namespace allo::sfu {

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

  // Whether libopus would accept `opus` (its framing: table of contents,
  // frame count and lengths, at most 120 ms), which is what decoding refuses
  // a packet for: the rest of an Opus packet is entropy-coded and decodes to
  // something whatever its bytes. Reads the framing only; no decoder.
  static bool well_formed(std::span<const uint8_t> opus);

 private:
  struct DecoderDeleter {
    void operator()(OpusDecoder* decoder) const;
  };
  std::unordered_map<uint32_t, std::unique_ptr<OpusDecoder, DecoderDeleter>> decoders_;
  std::unique_ptr<int16_t[]> pcm_;
};

}  // namespace allo::sfu
