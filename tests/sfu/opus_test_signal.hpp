// Test signals: sine tones encoded to real Opus (48 kHz mono, 20 ms frames).
#pragma once

#include <cstdint>
#include <vector>

namespace allo::sfu::test {

// `frames` consecutive Opus packets of a sine with peak `amplitude` (0..1).
std::vector<std::vector<uint8_t>> encode_sine(float amplitude, float frequency_hz, int frames);
// Decodes one packet at 48 kHz with a fresh decoder; returns the PCM (empty on
// a decode error).
std::vector<int16_t> decode_opus(const std::vector<uint8_t>& packet);
// Decodes packets in order with one decoder, as a listener does; returns the
// PCM of each (empty for a packet that failed to decode).
std::vector<std::vector<int16_t>> decode_opus_stream(
    const std::vector<std::vector<uint8_t>>& packets);

}  // namespace allo::sfu::test
