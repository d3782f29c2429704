// Test double for the socket layer: records what the place core sends.
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "place/outbox.hpp"
#include "proto/json_frame.hpp"

namespace allo::place::testing {

struct SentPacket {
  AgentId to;
  uint8_t channel;
  std::shared_ptr<const std::string> bytes;
  bool reliable;

  nlohmann::json json() const { return *proto::decode_json(*bytes, 1 << 26, 64); }
};

class RecordingOutbox : public Outbox {
 public:
  void send(AgentId to, uint8_t channel, std::string bytes, bool reliable) override {
    sent.push_back({to, channel, std::make_shared<const std::string>(std::move(bytes)), reliable});
  }
  void send_shared(std::span<const AgentId> to, uint8_t channel,
                   const std::shared_ptr<const std::string>& bytes, bool reliable) override {
    for (AgentId id : to) sent.push_back({id, channel, bytes, reliable});
  }
  void disconnect(AgentId agent) override { disconnected.insert(agent); }

  // Packets for one agent on one channel, oldest first.
  std::vector<SentPacket> to(AgentId id, uint8_t channel) const {
    std::vector<SentPacket> out;
    for (const auto& p : sent) {
      if (p.to == id && p.channel == channel) out.push_back(p);
    }
    return out;
  }
  void clear() { sent.clear(); }

  std::vector<SentPacket> sent;
  std::set<AgentId> disconnected;
};

}  // namespace allo::place::testing
