// The ENet side of the place's link to allo-assetd (docs/ASSETD.md): a client
// host with one peer to `--assetd HOST:PORT`, reconnected every
// kAssetdReconnectSeconds while assetd is down, serviced by PlaceServer's loop
// without ever blocking (0 timeouts; socket_fd() is polled by the loop).
// Frames for agents go out on the agents' own ENet peers through an AssetPacer
// (short ENet queues); when ENet releases such a packet (acknowledged, or
// dropped with the peer) the next flush() sends assetd a `delivered` credit.
// Small link messages of a loop turn go out as one batch at flush().
// The routing itself is AssetRelay's. Not thread-safe: the loop thread only.
// Construction throws std::runtime_error when the ENet host cannot be created.
#pragma once

#include <enet/enet.h>

#include <memory>
#include <vector>

#include "common/address.hpp"
#include "place/asset_pacer.hpp"
#include "place/asset_relay.hpp"
#include "place/place_server.hpp"
#include "proto/assetd_link.hpp"

namespace allo::place {

inline constexpr double kAssetdReconnectSeconds = 0.5;
// A connect attempt that got no answer by then is abandoned and retried.
inline constexpr double kAssetdConnectAttemptSeconds = 1.0;
// ENet peer timeouts of the link (ms): a dead assetd is noticed after about
// kAssetdLinkTimeoutMinMs of unacknowledged traffic or pings.
inline constexpr uint32_t kAssetdLinkTimeoutMinMs = 1500;
inline constexpr uint32_t kAssetdLinkTimeoutMaxMs = 5000;
// Link events handled per service() call.
inline constexpr int kMaxAssetdEventsPerService = 4096;

class AssetLink : public LoopService, private AssetRelayOutput {
 public:
  // Registers itself with `server` (loop service) and, through its relay, with
  // server.place(). Both `server` and the link must live until run() returns;
  // construct it after the server and destroy it before.
  AssetLink(PlaceServer& server, Endpoint assetd, prometheus::Registry& registry);
  ~AssetLink() override;
  AssetLink(const AssetLink&) = delete;
  AssetLink& operator=(const AssetLink&) = delete;

  int socket_fd() const override;
  void service(double now) override;
  void flush() override;

  const AssetRelay& relay() const { return relay_; }

 private:
  enum class State { kIdle, kConnecting, kUp };

  void send_link(std::vector<uint8_t> message) override;
  void send_packet(std::span<const uint8_t> message);
  void send_batch();
  void deliver(AgentId agent, std::span<const uint8_t> frame) override;
  void start_connect(double now);
  void handle(const ENetEvent& event, double now);
  void drop_link(double now);

  PlaceServer& server_;
  Endpoint assetd_;
  ENetAddress address_{};
  ENetHost* host_ = nullptr;
  ENetPeer* peer_ = nullptr;
  State state_ = State::kIdle;
  double next_attempt_ = 0;
  double attempt_deadline_ = 0;
  uint64_t session_ = 0;          // link connections so far; stale credits are dropped
  proto::LinkBatchWriter batch_;  // small messages of this loop turn
  AssetPacer pacer_;
  AssetRelay relay_;
};

}  // namespace allo::place
