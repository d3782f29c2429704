// The voice format of every live_media track (reference README, "Media"):
// Opus, 48 kHz mono, 20 ms frames (960 samples).
#pragma once

#include <cstddef>

namespace allo::client {

inline constexpr int kVoiceSampleRate = 48000;
inline constexpr int kVoiceChannels = 1;
inline constexpr size_t kVoiceFrameSamples = 960;  // 20 ms at 48 kHz
// Largest Opus packet the encoder may produce (well under kMaxMediaPacketBytes).
inline constexpr size_t kMaxVoiceOpusBytes = 1275;

}  // namespace allo::client
