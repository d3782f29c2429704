#include "proto/media_packet.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "proto/limits.hpp"

namespace allo::proto {
namespace {

// Track 0x01020304 carrying a 3-byte Opus packet.
const std::vector<uint8_t> kPacket = {
    0x01, 0x02, 0x03, 0x04,  // u32 big-endian track id = 16909060
    0xF8, 0xFF, 0xFE,        // Opus packet (TOC byte 0xF8: CELT FB 20 ms, then frame data)
    '\n',                    // trailing byte, dropped by receivers
};

TEST(MediaPacket, ParsesKnownBytes) {
  auto p = parse_media_packet(kPacket);
  ASSERT_TRUE(p) << p.error().detail;
  EXPECT_EQ(p->track_id, 0x01020304u);
  ASSERT_EQ(p->payload.size(), 3u);
  EXPECT_EQ(p->payload.data(), kPacket.data() + 4);  // a view into the buffer
  EXPECT_EQ(p->payload[0], 0xF8);
  EXPECT_EQ(p->payload[2], 0xFE);
}

TEST(MediaPacket, RoundTripGivesTheSameBytes) {
  auto p = parse_media_packet(kPacket);
  ASSERT_TRUE(p);
  EXPECT_EQ(encode_media_packet(p->track_id, p->payload), kPacket);
}

TEST(MediaPacket, TheLastByteIsDroppedWhateverItIs) {
  std::vector<uint8_t> nul_ended = kPacket;
  nul_ended.back() = 0x00;  // a client that NUL-terminated its buffer
  auto p = parse_media_packet(nul_ended);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->payload.size(), 3u);
  EXPECT_EQ(encode_media_packet(p->track_id, p->payload).back(), '\n');
}

TEST(MediaPacket, EncodeAlwaysAppendsNewline) {
  const uint8_t opus[] = {0x78};
  EXPECT_EQ(encode_media_packet(0xFFFFFFFFu, opus),
            (std::vector<uint8_t>{0xFF, 0xFF, 0xFF, 0xFF,  // highest track id
                                  0x78,                    // payload
                                  '\n'}));
}

TEST(MediaPacket, ATrailerCarriesALevelAndIsNeverANewline) {
  EXPECT_EQ(level_trailer(0.0f), 0x80);
  EXPECT_EQ(level_trailer(-6.4f), 0x86);
  EXPECT_EQ(level_trailer(-126.6f), 0xFF);
  EXPECT_EQ(level_trailer(12.0f), 0x80) << "clamped at full scale";
  EXPECT_EQ(level_trailer(-500.0f), 0xFF) << "clamped at the floor";
  EXPECT_EQ(level_trailer(std::nanf("")), 0xFF) << "NaN is silence";
  for (int db = 0; db <= 127; ++db) {
    const uint8_t trailer = level_trailer(static_cast<float>(-db));
    EXPECT_NE(trailer, kMediaTrailer);
    EXPECT_EQ(trailer_level(trailer), static_cast<float>(-db));
  }
}

TEST(MediaPacket, NewlineAndOtherLowBytesCarryNoLevel) {
  for (int byte = 0; byte < 0x80; ++byte) {
    EXPECT_FALSE(trailer_level(static_cast<uint8_t>(byte))) << byte;
  }
}

TEST(MediaPacket, TheTrailerIsParsedAndEncodedButNotPartOfThePayload) {
  const uint8_t opus[] = {0xF8, 0xFF, 0xFE};
  const auto wire = encode_media_packet(0x01020304, opus, level_trailer(-20.0f));
  EXPECT_EQ(wire.back(), 0x80 | 20);
  auto p = parse_media_packet(wire);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->trailer, 0x80 | 20);
  EXPECT_EQ(std::vector<uint8_t>(p->payload.begin(), p->payload.end()),
            std::vector<uint8_t>(std::begin(opus), std::end(opus)));
  EXPECT_EQ(parse_media_packet(kPacket)->trailer, '\n');
}

TEST(MediaPacket, TooShort) {
  // Six bytes (track id, one payload byte, trailing byte) is the minimum.
  std::vector<uint8_t> minimal = {0, 0, 0, 1, 0x55, '\n'};
  ASSERT_TRUE(parse_media_packet(minimal));
  for (size_t n = 0; n < minimal.size(); ++n) {
    auto p = parse_media_packet(std::span(minimal.data(), n));
    ASSERT_FALSE(p) << n;
    EXPECT_EQ(p.error().code, "too_short");
  }
}

TEST(MediaPacket, TooLarge) {
  std::vector<uint8_t> at_limit(limits::kMaxMediaPacketBytes, 0x11);
  EXPECT_TRUE(parse_media_packet(at_limit));
  at_limit.push_back('\n');
  auto p = parse_media_packet(at_limit);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, "too_large");
}

}  // namespace
}  // namespace allo::proto
