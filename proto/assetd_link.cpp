#include "proto/assetd_link.hpp"

#include "proto/limits.hpp"

namespace allo::proto {
namespace {

uint32_t read_u32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  out.push_back(static_cast<uint8_t>(v >> 24));
  out.push_back(static_cast<uint8_t>(v >> 16));
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

std::vector<uint8_t> header(LinkKind kind, uint32_t agent, size_t payload_bytes) {
  std::vector<uint8_t> out;
  out.reserve(kAssetdLinkHeaderBytes + payload_bytes);
  out.push_back(static_cast<uint8_t>(kind));
  put_u32(out, agent);
  return out;
}

}  // namespace

Result<LinkMessage> parse_link_message(std::span<const uint8_t> bytes) {
  if (bytes.size() < kAssetdLinkHeaderBytes) return fail("too_short", "link message under 5 bytes");
  if (bytes.size() > kMaxAssetdLinkMessageBytes) {
    return fail("too_large", "link message of " + std::to_string(bytes.size()) + " bytes");
  }
  LinkMessage msg;
  uint8_t kind = bytes[0];
  if (kind < 1 || kind > 8) return fail("unknown_kind", "link kind " + std::to_string(kind));
  msg.kind = static_cast<LinkKind>(kind);
  msg.agent = read_u32(bytes.data() + 1);
  auto payload = bytes.subspan(kAssetdLinkHeaderBytes);
  auto bad = [](const char* what) { return fail("bad_payload", what); };
  const bool agentless = msg.kind == LinkKind::kHello || msg.kind == LinkKind::kBatch;
  if (!agentless && msg.agent == 0) return bad("agent id 0");
  switch (msg.kind) {
    case LinkKind::kHello:
      if (payload.size() != 2) return bad("hello needs a u16 version");
      msg.version = static_cast<uint16_t>((payload[0] << 8) | payload[1]);
      break;
    case LinkKind::kAgentJoined:
    case LinkKind::kAgentLeft:
      if (!payload.empty()) return bad("agent_joined/agent_left carry no payload");
      break;
    case LinkKind::kFrameFromAgent:
      if (payload.size() < 4 + limits::kAssetFrameHeaderBytes)
        return bad("frame_from_agent too short");
      msg.hint_agent = read_u32(payload.data());
      msg.frame = payload.subspan(4);
      break;
    case LinkKind::kFrameToAgent:
      if (payload.size() < limits::kAssetFrameHeaderBytes) return bad("frame_to_agent too short");
      msg.frame = payload;
      break;
    case LinkKind::kDelivered:
      if (payload.size() != 4) return bad("delivered needs a u32 byte count");
      msg.bytes = read_u32(payload.data());
      break;
    case LinkKind::kAssetReferenced:
      if (payload.empty() || payload.size() > limits::kMaxIdLength) return bad("asset id length");
      msg.asset_id.assign(reinterpret_cast<const char*>(payload.data()), payload.size());
      break;
    case LinkKind::kBatch:
      if (msg.agent != 0) return bad("batch with an agent id");
      while (!payload.empty()) {
        if (payload.size() < 4) return bad("batch: truncated length");
        const uint32_t n = read_u32(payload.data());
        if (n < kAssetdLinkHeaderBytes || n > payload.size() - 4)
          return bad("batch: message length out of range");
        auto inner = payload.subspan(4, n);
        if (inner[0] == static_cast<uint8_t>(LinkKind::kBatch)) return bad("batch inside a batch");
        msg.batched.push_back(inner);
        payload = payload.subspan(4 + n);
      }
      if (msg.batched.empty()) return bad("empty batch");
      break;
  }
  return msg;
}

Result<std::vector<LinkMessage>> parse_link_packet(std::span<const uint8_t> bytes) {
  auto outer = parse_link_message(bytes);
  if (!outer) return std::unexpected(outer.error());
  std::vector<LinkMessage> out;
  if (outer->kind != LinkKind::kBatch) {
    out.push_back(std::move(*outer));
    return out;
  }
  out.reserve(outer->batched.size());
  for (size_t i = 0; i < outer->batched.size(); ++i) {
    auto inner = parse_link_message(outer->batched[i]);
    if (!inner) {
      Error e = inner.error();
      e.detail = "batched message " + std::to_string(i) + ": " + e.detail;
      return std::unexpected(e);
    }
    out.push_back(std::move(*inner));
  }
  return out;
}

bool LinkBatchWriter::full_for(size_t message_bytes) const {
  const size_t size = empty() ? kAssetdLinkHeaderBytes : bytes_.size();
  return size + 4 + message_bytes > kLinkBatchBytes;
}

void LinkBatchWriter::add(std::span<const uint8_t> message) {
  if (empty()) {
    bytes_.clear();
    bytes_.push_back(static_cast<uint8_t>(LinkKind::kBatch));
    put_u32(bytes_, 0);
  }
  put_u32(bytes_, static_cast<uint32_t>(message.size()));
  bytes_.insert(bytes_.end(), message.begin(), message.end());
  ++messages_;
}

void LinkBatchWriter::clear() {
  messages_ = 0;
  bytes_.clear();
}

std::vector<uint8_t> encode_link_hello(uint16_t version) {
  auto out = header(LinkKind::kHello, 0, 2);
  out.push_back(static_cast<uint8_t>(version >> 8));
  out.push_back(static_cast<uint8_t>(version));
  return out;
}

std::vector<uint8_t> encode_link_agent_joined(uint32_t agent) {
  return header(LinkKind::kAgentJoined, agent, 0);
}

std::vector<uint8_t> encode_link_agent_left(uint32_t agent) {
  return header(LinkKind::kAgentLeft, agent, 0);
}

std::vector<uint8_t> encode_link_frame_from_agent(uint32_t agent, uint32_t hint_agent,
                                                  std::span<const uint8_t> frame) {
  auto out = header(LinkKind::kFrameFromAgent, agent, 4 + frame.size());
  put_u32(out, hint_agent);
  out.insert(out.end(), frame.begin(), frame.end());
  return out;
}

std::vector<uint8_t> encode_link_frame_to_agent(uint32_t agent, std::span<const uint8_t> frame) {
  auto out = header(LinkKind::kFrameToAgent, agent, frame.size());
  out.insert(out.end(), frame.begin(), frame.end());
  return out;
}

std::vector<uint8_t> encode_link_delivered(uint32_t agent, uint32_t bytes) {
  auto out = header(LinkKind::kDelivered, agent, 4);
  put_u32(out, bytes);
  return out;
}

std::vector<uint8_t> encode_link_asset_referenced(uint32_t agent, std::string_view asset_id) {
  auto out = header(LinkKind::kAssetReferenced, agent, asset_id.size());
  out.insert(out.end(), asset_id.begin(), asset_id.end());
  return out;
}

int fuzz_assetd_link(const uint8_t* data, size_t size) {
  auto msg = parse_link_message({data, size});
  if (!msg) return 0;
  switch (msg->kind) {
    case LinkKind::kHello:
      encode_link_hello(msg->version);
      break;
    case LinkKind::kAgentJoined:
      encode_link_agent_joined(msg->agent);
      break;
    case LinkKind::kAgentLeft:
      encode_link_agent_left(msg->agent);
      break;
    case LinkKind::kFrameFromAgent:
      encode_link_frame_from_agent(msg->agent, msg->hint_agent, msg->frame);
      break;
    case LinkKind::kFrameToAgent:
      encode_link_frame_to_agent(msg->agent, msg->frame);
      break;
    case LinkKind::kDelivered:
      encode_link_delivered(msg->agent, msg->bytes);
      break;
    case LinkKind::kAssetReferenced:
      encode_link_asset_referenced(msg->agent, msg->asset_id);
      break;
    case LinkKind::kBatch: {
      (void)parse_link_packet({data, size});
      LinkBatchWriter writer;
      for (auto inner : msg->batched) writer.add(inner);
      (void)writer.bytes();
      break;
    }
  }
  return 0;
}

}  // namespace allo::proto
