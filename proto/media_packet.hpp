// Media packets (channel 3): [u32 big-endian track id][Opus packet][\n].
// Receivers drop the last byte, so encode() always appends '\n'.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "proto/error.hpp"

namespace allo::proto {

struct MediaPacket {
  uint32_t track_id = 0;
  std::span<const uint8_t> payload;  // points into the parsed buffer; excludes the trailing byte
};

// Error codes: "too_short" (no room for a track id, one payload byte and the
// trailing byte), "too_large" (over limits::kMaxMediaPacketBytes).
Result<MediaPacket> parse_media_packet(std::span<const uint8_t> bytes);

std::vector<uint8_t> encode_media_packet(uint32_t track_id, std::span<const uint8_t> payload);

}  // namespace allo::proto
