// Opus encoder and decoder for voice: 48 kHz mono, 20 ms frames (960
// samples), the format of every live_media track (reference README, "Media").
// Thin owners of one libopus state each. Not thread-safe (one per thread);
// movable, not copyable. Errors come back as values, never exceptions.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "proto/error.hpp"

struct OpusEncoder;
struct OpusDecoder;

namespace allo::client {

inline constexpr int kVoiceSampleRate = 48000;
inline constexpr int kVoiceChannels = 1;
inline constexpr size_t kVoiceFrameSamples = 960;  // 20 ms at 48 kHz
// Largest Opus packet the encoder may produce (well under kMaxMediaPacketBytes).
inline constexpr size_t kMaxVoiceOpusBytes = 1275;

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
