// Test fixtures for end-to-end tests: the real allo-assetd binary as a child
// process, free loopback ports, and PlaceLink, an ENet peer that plays the
// place's side of the link (it credits every frame it receives as delivered,
// as the place does once ENet has freed the forwarded packet).
#pragma once

#include <enet/enet.h>
#include <sys/types.h>

#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "proto/asset_frame.hpp"
#include "proto/assetd_link.hpp"

namespace allo::testing {

using Clock = std::chrono::steady_clock;

uint16_t free_port(int type);  // SOCK_DGRAM or SOCK_STREAM on 127.0.0.1

class AssetdProcess {
 public:
  explicit AssetdProcess(std::vector<std::string> args);
  ~AssetdProcess();  // SIGTERM, then wait
  void kill9();
  // Runs allo-assetd with `args` to completion; returns its stdout.
  static std::string run_to_end(const std::vector<std::string>& args, int* status = nullptr);

 private:
  pid_t pid_ = -1;
};

struct AgentFrame {
  uint32_t agent = 0;
  std::vector<uint8_t> bytes;
  proto::AssetFrame frame() const { return *proto::parse_asset_frame(bytes); }
  proto::AssetMid mid() const { return frame().mid; }
  proto::json header() const { return frame().header; }
  std::vector<uint8_t> body() const {
    auto f = frame();
    return {f.body.begin(), f.body.end()};
  }
};

class PlaceLink {
 public:
  // Connects to allo-assetd on 127.0.0.1:port, retrying until `timeout`.
  explicit PlaceLink(uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~PlaceLink();
  bool connected() const { return peer_ != nullptr; }

  void send(const std::vector<uint8_t>& message);
  void join(uint32_t agent) { send(proto::encode_link_agent_joined(agent)); }
  void from_agent(uint32_t agent, const std::vector<uint8_t>& frame, uint32_t hint = 0) {
    send(proto::encode_link_frame_from_agent(agent, hint, frame));
  }
  // The next frame for `agent` (frames for other agents stay queued), or
  // nullopt after `timeout`.
  std::optional<AgentFrame> next(uint32_t agent,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Services the link for `duration` (for asserting that nothing arrives).
  void pump_for(std::chrono::milliseconds duration);
  size_t queued(uint32_t agent) const;

 private:
  void service(uint32_t timeout_ms);

  ENetHost* host_ = nullptr;
  ENetPeer* peer_ = nullptr;
  std::deque<AgentFrame> received_;
};

}  // namespace allo::testing
