// The link thread: owns the ENet host the place connects to (--link).
//
// It decodes the place's control messages, keeps the authoritative
// TrackRegistry, and forwards every change to each worker's control ring in
// order; it admits compatible-path media (media_from_agent) and broadcasts it
// to every worker through the PacketMesh; it sends the workers' encoded
// media_to_agents messages to the place, relays their direct-path attach
// reports to all workers, and sends a load report every second.
// If the place disconnects, every worker gets PlaceReset (voice pauses) and
// the place replays its agents and tracks when it reconnects.
//
// Thread-safety: run() on one thread; the constructor binds (throws
// std::runtime_error naming --link when it cannot).
#pragma once

#include <enet/enet.h>

#include <atomic>
#include <string>
#include <vector>

#include "sfu/control_event.hpp"
#include "sfu/direct_worker.hpp"
#include "sfu/media_ingress.hpp"
#include "sfu/packet_mesh.hpp"
#include "sfu/sfu_config.hpp"
#include "sfu/sfu_metrics.hpp"
#include "sfu/track_registry.hpp"

namespace allo::sfu {

class LinkServer {
 public:
  LinkServer(const SfuConfig& config, std::string direct_endpoint,
             std::vector<DirectWorker*> workers, PacketMesh& mesh, SfuMetrics& metrics);
  ~LinkServer();
  LinkServer(const LinkServer&) = delete;
  LinkServer& operator=(const LinkServer&) = delete;

  uint16_t bound_port() const { return host_->address.port; }
  // Runs until `stop` becomes true.
  void run(const std::atomic<bool>& stop);

 private:
  void handle(const ENetEvent& event, int64_t now_ns);
  void handle_control(ENetPeer* peer, std::string_view bytes);
  void handle_media(std::span<const uint8_t> bytes, int64_t now_ns);
  void broadcast(const ControlEvent& event);
  void drop_place();
  void relay_worker_output();
  bool worker_output_waiting() const;
  void send_load_report();

  std::string direct_endpoint_;
  std::vector<DirectWorker*> workers_;
  PacketMesh& mesh_;
  SfuMetrics& metrics_;
  ENetHost* host_ = nullptr;
  ENetPeer* place_ = nullptr;  // the peer that sent a valid hello
  TrackRegistry registry_;
  MediaIngress ingress_;
  WorkerStats stats_;
  const std::atomic<bool>* stop_ = nullptr;
};

}  // namespace allo::sfu
