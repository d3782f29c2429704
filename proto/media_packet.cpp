#include "proto/media_packet.hpp"

#include <cmath>

#include "proto/limits.hpp"

namespace allo::proto {

Result<MediaPacket> parse_media_packet(std::span<const uint8_t> bytes) {
  if (bytes.size() > limits::kMaxMediaPacketBytes) {
    return fail("too_large", "media packet of " + std::to_string(bytes.size()) + " bytes");
  }
  if (bytes.size() < limits::kMediaHeaderBytes + 2) {
    return fail("too_short", "media packet of " + std::to_string(bytes.size()) + " bytes");
  }
  MediaPacket out;
  out.track_id = (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) |
                 (uint32_t{bytes[2]} << 8) | bytes[3];
  out.payload =
      bytes.subspan(limits::kMediaHeaderBytes, bytes.size() - limits::kMediaHeaderBytes - 1);
  out.trailer = bytes.back();
  return out;
}

uint8_t level_trailer(float dbfs) {
  constexpr uint8_t kLevel = 0x80;
  if (std::isnan(dbfs) || dbfs <= -127) return kLevel | 127;  // silence
  if (dbfs >= 0) return kLevel;                               // full scale, clamped
  return kLevel | static_cast<uint8_t>(std::lround(-dbfs));
}

std::optional<float> trailer_level(uint8_t trailer) {
  if (trailer < 0x80) return std::nullopt;
  return -static_cast<float>(trailer & 0x7f);
}

std::vector<uint8_t> encode_media_packet(uint32_t track_id, std::span<const uint8_t> payload,
                                         uint8_t trailer) {
  std::vector<uint8_t> out;
  out.reserve(payload.size() + limits::kMediaHeaderBytes + 1);
  out.push_back(static_cast<uint8_t>(track_id >> 24));
  out.push_back(static_cast<uint8_t>(track_id >> 16));
  out.push_back(static_cast<uint8_t>(track_id >> 8));
  out.push_back(static_cast<uint8_t>(track_id));
  out.insert(out.end(), payload.begin(), payload.end());
  out.push_back(trailer);
  return out;
}

}  // namespace allo::proto
