// The link between the place and allo-assetd: one local ENet connection, every
// packet reliable on channel 0, holding one message or a batch of them:
//   [u8 kind][u32 BE agent id][payload to the end of the message]
// Agent ids are nonzero numbers the place assigns to its connected agents;
// hello carries agent 0.
//
//   kind                 dir            payload
//   1 hello              both           [u16 BE link version]
//   2 agent_joined       place->assetd  (empty)
//   3 agent_left         place->assetd  (empty)
//   4 frame_from_agent   place->assetd  [u32 BE hint agent][channel-2 asset frame, unchanged]
//   5 frame_to_agent     assetd->place  [channel-2 asset frame, unchanged]
//   6 delivered          place->assetd  [u32 BE bytes]
//   7 asset_referenced   place->assetd  [asset id, UTF-8]
//   8 batch              both           ([u32 BE length][message of kinds 1-7])...
//
// hint agent (frame_from_agent) is the owner of the entity named in a request's
// "published_by", resolved by the place; 0 when absent or unknown.
// delivered returns flow-control credit: the place sends it when ENet has freed
// a frame_to_agent packet it forwarded to that agent (acknowledged or dropped),
// with the byte length of that asset frame.
// batch (agent 0) carries, in order, the small messages one end produced in a
// loop turn: a thousand 1 KB asset requests then cost the link one ENet
// command instead of a thousand (each with its own acknowledgement).
// Messages over kLinkBatchedMessageMaxBytes travel alone; a batch is closed
// before it would grow past kLinkBatchBytes. Batches do not nest.
// Pure functions and a buffer class; no sockets.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "proto/error.hpp"

namespace allo::proto {

// 2: batches.
inline constexpr uint16_t kAssetdLinkVersion = 2;
// [u8 kind][u32 agent]
inline constexpr size_t kAssetdLinkHeaderBytes = 5;
// Largest link message: an asset frame as large as any ENet packet, plus the
// link header and the hint. (Declared here until proto/limits.hpp takes it.)
inline constexpr size_t kMaxAssetdLinkMessageBytes = 1024 * 1024 + 16;
// A batch is closed before it grows past this many bytes (under glibc's 64 KiB
// free() threshold that consolidates the whole heap).
inline constexpr size_t kLinkBatchBytes = 32 * 1024;
// Larger messages (64 KiB asset chunks) are sent alone.
inline constexpr size_t kLinkBatchedMessageMaxBytes = 8 * 1024;

enum class LinkKind : uint8_t {
  kHello = 1,
  kAgentJoined = 2,
  kAgentLeft = 3,
  kFrameFromAgent = 4,
  kFrameToAgent = 5,
  kDelivered = 6,
  kAssetReferenced = 7,
  kBatch = 8,
};

struct LinkMessage {
  LinkKind kind = LinkKind::kHello;
  uint32_t agent = 0;
  uint16_t version = 0;            // hello
  uint32_t hint_agent = 0;         // frame_from_agent
  uint32_t bytes = 0;              // delivered
  std::span<const uint8_t> frame;  // frame_from_agent, frame_to_agent: into the parsed buffer
  std::string asset_id;            // asset_referenced
  std::vector<std::span<const uint8_t>> batched;  // batch: the messages, unparsed
};

// Error codes: "too_short", "too_large", "unknown_kind", "bad_payload"
// (payload length wrong for the kind, agent 0 where one is needed or a nonzero
// one on a batch, empty frame or asset id, a batch whose lengths do not add up
// or that holds another batch).
Result<LinkMessage> parse_link_message(std::span<const uint8_t> bytes);
// Parses one link packet into its messages: the packet's own message, or every
// message of a batch in order. All or nothing: one bad message in a batch
// rejects the packet with that message's error (detail names its index).
Result<std::vector<LinkMessage>> parse_link_packet(std::span<const uint8_t> bytes);

// Collects small link messages into batch messages. Not thread-safe.
class LinkBatchWriter {
 public:
  // Whether `message` may be batched at all: not a hello (it travels alone,
  // so a peer of another link version still reads it and can tell), and
  // not larger than kLinkBatchedMessageMaxBytes.
  static bool batchable(std::span<const uint8_t> message) {
    return !message.empty() && message[0] != static_cast<uint8_t>(LinkKind::kHello) &&
           message.size() <= kLinkBatchedMessageMaxBytes;
  }
  // Whether adding a message of this size would grow the batch past
  // kLinkBatchBytes (send and clear() it first).
  bool full_for(size_t message_bytes) const;
  void add(std::span<const uint8_t> message);
  bool empty() const { return messages_ == 0; }
  size_t messages() const { return messages_; }
  // The batch as one link message (valid until the next add() or clear()).
  std::span<const uint8_t> bytes() const { return bytes_; }
  // Starts an empty batch, keeping the buffer (no 64 KiB malloc and free per
  // batch).
  void clear();

 private:
  std::vector<uint8_t> bytes_;
  size_t messages_ = 0;
};

std::vector<uint8_t> encode_link_hello(uint16_t version = kAssetdLinkVersion);
std::vector<uint8_t> encode_link_agent_joined(uint32_t agent);
std::vector<uint8_t> encode_link_agent_left(uint32_t agent);
std::vector<uint8_t> encode_link_frame_from_agent(uint32_t agent, uint32_t hint_agent,
                                                  std::span<const uint8_t> frame);
std::vector<uint8_t> encode_link_frame_to_agent(uint32_t agent, std::span<const uint8_t> frame);
std::vector<uint8_t> encode_link_delivered(uint32_t agent, uint32_t bytes);
std::vector<uint8_t> encode_link_asset_referenced(uint32_t agent, std::string_view asset_id);

// Fuzz entry: parses and re-encodes; never crashes on any input.
int fuzz_assetd_link(const uint8_t* data, size_t size);

}  // namespace allo::proto
