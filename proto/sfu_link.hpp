// The local link between the place core and allo-sfu (an ENet connection with
// two channels), and the first message of a direct-path client. Pure codecs.
//
// Channel 0 (reliable): control, one JSON document + '\n' per packet.
//   place -> sfu: hello, agent_joined, agent_left, track_added, track_removed, positions,
//                 agent_route
//   sfu -> place: welcome (reply to hello), load (every second), route_groups
// Shared socket (same machine only): a welcome may name the SFU's abstract
// unix socket ("relay"); the place then hands it a duplicate of its public
// UDP socket (see common/fd_passing.hpp) and sends agent_route for each
// announced agent (its ENet route), so the SFU writes compatible-path voice to that agent
// itself (unsequenced ENet packets on channel 3, sfu/enet_datagram.hpp)
// instead of sending media_to_agents. route_groups reports, every 250 ms,
// the last unsequenced group the SFU used per agent.
// Channel 1 (unreliable): media, binary:
//   media_from_agent (place -> sfu): [u8 0x01][u8 n][n bytes agent id][media packet]
//   media_to_agents  (sfu -> place): [u8 0x02][u16 BE count]{count x [u8 n][n bytes agent
//   id]}[media packet]
// The media packet is the channel-3 packet ([u32 BE track][Opus][\n]), carried
// unchanged; the SFU validates it, the place forwards it as-is to each agent.
// Direct path (client -> allo-sfu, channel 0 of its own connection):
//   {"type":"hello","token":"..."} answered by {"type":"welcome","agent":...}
//   or {"type":"refused","reason":...} followed by a disconnect.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "proto/error.hpp"
#include "proto/limits.hpp"

namespace allo::proto::sfu_link {

enum LinkChannel : uint8_t { kLinkControl = 0, kLinkMedia = 1 };
inline constexpr size_t kLinkChannelCount = 2;
inline constexpr int kLinkVersion = 1;
// Agent ids on the media channel carry a one-byte length.
inline constexpr size_t kMaxLinkAgentIdBytes = 255;
// Most agents in one media_to_agents message (every peer of a place).
inline constexpr size_t kMaxLinkFanout = limits::kMaxPeers;
// Largest control document (positions of every agent fit easily).
inline constexpr size_t kMaxLinkControlBytes = 512 * 1024;
inline constexpr uint8_t kMediaFromAgentTag = 0x01;
inline constexpr uint8_t kMediaToAgentsTag = 0x02;
// Longest abstract socket name in a welcome (sun_path holds 107 bytes after the NUL).
inline constexpr size_t kMaxRelayNameBytes = 100;

// --- control, place -> sfu ---
struct Hello {
  int version = kLinkVersion;
  std::string secret;  // key for direct-path tokens (HMAC-SHA256), at least 16 bytes
};
// Where an agent's ENet peer is on the place's public socket, and how an ENet
// datagram header names it; for an SFU that holds that socket.
struct AgentRoute {
  uint32_t ipv4 = 0;  // host byte order
  uint16_t port = 0;
  uint16_t header_peer = 0;  // outgoing peer id | outgoing session << 12
  uint16_t mtu = 0;          // the peer's ENet MTU: the largest datagram
  uint16_t first_group = 0;  // the first unsequenced group number to use
  bool operator==(const AgentRoute&) const = default;
};
struct AgentJoined {
  std::string agent;
};
struct AgentLeft {
  std::string agent;
};
struct TrackAdded {
  uint32_t track = 0;
  std::string owner_agent;
  std::string entity;
};
struct TrackRemoved {
  uint32_t track = 0;
};
struct AgentPosition {
  std::string agent;
  float x = 0, y = 0, z = 0;
};
struct Positions {
  std::vector<AgentPosition> agents;
};
// Sent only after the shared socket was handed over, for an agent already joined.
struct AgentRouted {
  std::string agent;
  AgentRoute route;
};
using PlaceMessage =
    std::variant<Hello, AgentJoined, AgentLeft, TrackAdded, TrackRemoved, Positions, AgentRouted>;

// --- control, sfu -> place ---
struct Welcome {
  int version = kLinkVersion;
  std::string direct_endpoint;  // HOST:PORT clients should use for the direct path
  uint32_t workers = 0;
  std::string relay = {};  // abstract unix socket name for the shared socket; empty: none
};
struct LoadReport {
  uint32_t workers = 0;
  uint64_t tracks = 0;
  uint64_t listeners = 0;
  uint64_t packets_in = 0;  // totals since start
  uint64_t packets_out = 0;
  uint64_t packets_dropped = 0;
};
// Agent -> the last unsequenced group the SFU used for it.
struct RouteGroups {
  std::vector<std::pair<std::string, uint16_t>> agents;
};
using SfuMessage = std::variant<Welcome, LoadReport, RouteGroups>;

// Error codes: those of decode_json, "not_object", "unknown_type", "bad_field"
// (missing or mistyped field; detail names it), "unsupported_version".
Result<PlaceMessage> decode_place_message(std::string_view bytes);
std::string encode_place_message(const PlaceMessage& message);
Result<SfuMessage> decode_sfu_message(std::string_view bytes);
std::string encode_sfu_message(const SfuMessage& message);

// --- media ---
struct MediaFromAgent {
  std::string_view agent;          // points into the parsed bytes
  std::span<const uint8_t> media;  // the channel-3 packet, unchanged
};
struct MediaToAgents {
  std::vector<std::string_view> agents;  // point into the parsed bytes
  std::span<const uint8_t> media;
};
// Error codes: "wrong_tag", "truncated", "bad_agent" (empty or too long),
// "too_many_agents", "empty_media", "too_large" (media over kMaxMediaPacketBytes).
Result<MediaFromAgent> parse_media_from_agent(std::span<const uint8_t> bytes);
Result<MediaToAgents> parse_media_to_agents(std::span<const uint8_t> bytes);
// Encoders assume valid input (ids 1..255 bytes, at most kMaxLinkFanout agents).
std::vector<uint8_t> encode_media_from_agent(std::string_view agent,
                                             std::span<const uint8_t> media);
std::vector<uint8_t> encode_media_to_agents(std::span<const std::string_view> agents,
                                            std::span<const uint8_t> media);

// --- direct path ---
struct DirectHello {
  std::string token;
};
// Error codes: those of decode_json, "not_object", "unknown_type", "bad_field".
Result<DirectHello> decode_direct_hello(std::string_view bytes);
std::string encode_direct_hello(const DirectHello& hello);
std::string encode_direct_welcome(std::string_view agent);
std::string encode_direct_refused(std::string_view reason);

// Fuzz entry: feeds `data` to every parser above; never crashes.
int fuzz_sfu_link(const uint8_t* data, size_t size);

}  // namespace allo::proto::sfu_link
