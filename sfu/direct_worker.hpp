// One fan-out worker thread with its own ENet host on the shared direct-path
// port (SO_REUSEPORT: the kernel hashes each client's address to one of the
// workers' sockets, so a client always talks to the same worker and no ENet
// host is ever touched by two threads).
//
// Inputs: direct-path peers on its socket; packets from the other workers and
// the link thread through the PacketMesh; ControlEvents from the link thread
// through its control ring. Outputs: ENet sends to its own peers; encoded
// media_to_agents messages and DirectPathChanged reports to the link thread
// through two rings. Every ring is SPSC (see spsc_ring.hpp for the ordering).
//
// Thread-safety: the constructor/destructor run on the owning (main) thread;
// push_control, pop_link_output and pop_report only from the link thread.
#pragma once

#include <enet/enet.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/address.hpp"
#include "common/enet_peer_slots.hpp"
#include "sfu/control_event.hpp"
#include "sfu/fanout_worker.hpp"
#include "sfu/media_ingress.hpp"
#include "sfu/packet_mesh.hpp"
#include "sfu/sfu_config.hpp"
#include "sfu/sfu_metrics.hpp"
#include "sfu/spsc_ring.hpp"

namespace allo::sfu {

class DirectWorker : private PacketSink {
 public:
  // Binds `listen` with SO_REUSEPORT. Throws std::runtime_error naming the
  // address when it cannot (a start-up failure).
  DirectWorker(size_t index, const SfuConfig& config, const Endpoint& listen, PacketMesh& mesh,
               SfuMetrics& metrics);
  ~DirectWorker() override;
  DirectWorker(const DirectWorker&) = delete;
  DirectWorker& operator=(const DirectWorker&) = delete;

  uint16_t bound_port() const { return host_->address.port; }
  void start();
  void stop();  // joins

  // Link thread side. push_control returns false when the ring is full.
  bool push_control(ControlEvent&& event) { return control_.try_push(std::move(event)); }
  bool pop_link_output(std::vector<uint8_t>& message) { return link_output_.try_pop(message); }
  size_t link_output_depth() const { return link_output_.size_approx(); }
  bool pop_report(ControlEvent& event) { return reports_.try_pop(event); }

 private:
  void run();
  void handle(const ENetEvent& event, int64_t now_ns);
  void handle_hello(ENetPeer* peer, std::span<const uint8_t> bytes);
  void handle_media(ENetPeer* peer, std::span<const uint8_t> bytes, int64_t now_ns);
  void drain_control();
  void apply(const ControlEvent& event);
  void publish_metrics(double now_seconds);
  void send_direct(const PacketRef& packet, std::span<const uint64_t> handles) override;
  void send_compatible(const PacketRef& packet,
                       std::span<const std::string* const> agents) override;

  size_t index_;
  PacketMesh& mesh_;
  SfuMetrics& metrics_;
  ENetHost* host_ = nullptr;
  PeerSlots slots_;  // ENet scans only the slots in use (plus a spare band)
  WorkerStats stats_;
  FanoutWorker fanout_;
  MediaIngress ingress_;
  std::string secret_;
  std::unordered_map<ENetPeer*, std::string> agents_;  // authenticated peers
  std::vector<std::string_view> agent_views_;          // scratch for send_compatible
  SpscRing<ControlEvent> control_;
  SpscRing<std::vector<uint8_t>> link_output_;
  SpscRing<ControlEvent> reports_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace allo::sfu
