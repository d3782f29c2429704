// Media packets (channel 3): [u32 big-endian track id][Opus packet][trailer].
// Receivers drop the trailer (the reference: deployed clients drop the last
// byte unread), and deployed senders make it '\n'. Our senders may put
// their audio level there instead, so allo-sfu need not decode their voice
// to select speakers: 0x80 | round(-dBFS) (0 to -127 dBFS, as RFC 6464's
// audio level, plus the high bit so that it is never '\n'). allo-sfu makes
// the trailer '\n' again before it forwards a packet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "proto/error.hpp"

namespace allo::proto {

struct MediaPacket {
  uint32_t track_id = 0;
  std::span<const uint8_t> payload;  // points into the parsed buffer; excludes the trailing byte
  uint8_t trailer = '\n';
};

inline constexpr uint8_t kMediaTrailer = '\n';
// The trailer that carries `dbfs` (clamped to 0..-127; NaN reads as silence).
uint8_t level_trailer(float dbfs);
// The level a trailer carries, in dBFS; nullopt for '\n' or any byte below 0x80.
std::optional<float> trailer_level(uint8_t trailer);

// Error codes: "too_short" (no room for a track id, one payload byte and the
// trailing byte), "too_large" (over limits::kMaxMediaPacketBytes).
Result<MediaPacket> parse_media_packet(std::span<const uint8_t> bytes);

std::vector<uint8_t> encode_media_packet(uint32_t track_id, std::span<const uint8_t> payload,
                                         uint8_t trailer = kMediaTrailer);

}  // namespace allo::proto
