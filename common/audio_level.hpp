// The audio level of 16-bit PCM, as allo-sfu selects speakers by it: RMS in
// dBFS (0 = a full-scale sine), floored at kSilenceDbfs. The SDK measures its
// own frames with it before encoding (the level then travels in the media
// packet's trailing byte, proto/media_packet.hpp); allo-sfu measures what it
// decodes for senders that do not.
#pragma once

#include <cstdint>
#include <span>

namespace allo {

inline constexpr float kSilenceDbfs = -127.0f;

float rms_dbfs(std::span<const int16_t> pcm);

}  // namespace allo
