// The place's socket layer: one ENet host on the public endpoint and the
// event loop that drives Place. The only place/ code that touches sockets.
// Thread model: run() is the single event-loop thread; stop is an atomic
// flag set by signal handlers. Construction throws std::runtime_error naming
// the address when the endpoint cannot be bound (a start-up failure).
#pragma once

#include <enet/enet.h>

#include <atomic>
#include <memory>
#include <unordered_map>

#include "common/enet_peer_slots.hpp"
#include "common/rt_load_guard.hpp"
#include "place/outbox.hpp"
#include "place/place.hpp"
#include "place/place_config.hpp"

namespace allo::place {

class PlaceServer : public Outbox {
 public:
  PlaceServer(const PlaceConfig& config, PlaceMetrics& metrics);
  ~PlaceServer() override;
  PlaceServer(const PlaceServer&) = delete;
  PlaceServer& operator=(const PlaceServer&) = delete;

  // Runs the loop until `stop` becomes true, then disconnects every peer.
  void run(const std::atomic<bool>& stop);
  Place& place() { return *place_; }
  // A link serviced by the loop; not owned, must outlive run().
  void add_service(LoopService* service) { services_.push_back(service); }
  uint16_t port() const { return host_->address.port; }
  // The public UDP socket (lent to a local SFU, see place/socket_lender.hpp).
  int public_socket() const { return static_cast<int>(host_->socket); }
  // The ENet peer of a connected agent, or null: for links that send their
  // own packets to agents (the asset link sets a freeCallback on them).
  ENetPeer* peer(AgentId id) const {
    auto it = peers_.find(id);
    return it == peers_.end() ? nullptr : it->second;
  }

  // Outbox
  void send(AgentId to, uint8_t channel, std::string bytes, bool reliable) override;
  void send_shared(std::span<const AgentId> to, uint8_t channel,
                   const std::shared_ptr<const std::string>& bytes, bool reliable) override;
  void disconnect(AgentId agent) override;

 private:
  // Loop phases.
  void wait_for_input(int timeout_ms);
  // Returns true when it stopped at kMaxEventsPerPoll with events left.
  bool poll_network();
  void handle_event(const ENetEvent& event);
  void simulate_and_send(double now);
  void flush();
  void watch_load(RtLoadGuard& guard, int priority, double now);

  PlaceConfig config_;
  ENetHost* host_ = nullptr;
  std::unique_ptr<PeerSlots> slots_;  // keeps ENet's per-service peer scan short
  std::unique_ptr<Place> place_;
  std::unordered_map<AgentId, ENetPeer*> peers_;
  AgentId next_agent_ = 1;
  double next_tick_ = 0;
  std::vector<LoopService*> services_;
};

// ENet refuses (drops without reassembly) packets larger than this; packets
// between limits::kMaxPacketBytes and this get an error reply.
inline constexpr size_t kEnetMaximumPacketSize = 4 * 1024 * 1024;
// How long the constructor keeps trying to bind a public address in use.
inline constexpr double kBindRetrySeconds = 2.0;
// Events handled per loop pass before the tick gets its turn.
inline constexpr int kMaxEventsPerPoll = 4096;

}  // namespace allo::place
