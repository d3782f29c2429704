// The link thread: owns the ENet host the place connects to (--link), and
// every compatible-path listener.
//
// It decodes the place's control messages, applies each to its own
// FanoutWorker (whose registry is the authoritative one) and forwards it to
// each worker's control ring in order. It admits compatible-path media
// (media_from_agent), fans it out to its compatible-path listeners at once
// (one media_to_agents message to the place) and broadcasts it to the workers
// through the PacketMesh for their direct-path listeners. Direct-path packets
// reach it from the workers through the same mesh, while it has unpaused
// compatible-path listeners. It applies the workers' direct-path attach
// reports (pausing an agent's compatible-path listener), and sends a load
// report every second. So compatible-path voice crosses no thread inside the
// SFU. While it holds the place's public socket (PlaceSocket, same machine
// only) it writes compatible-path voice to every routed agent itself, packed
// per listener once per pass (VoiceDatagrams, sendmmsg), and reports the
// routes' unsequenced groups to the place every 250 ms; agents without a
// route, or frames too large for one datagram, still go as media_to_agents. If the place
// disconnects, every thread gets PlaceReset (voice pauses) and the place replays its agents and
// tracks when it reconnects.
//
// Thread-safety: run() on one thread; the constructor binds (throws
// std::runtime_error naming --link when it cannot).
#pragma once

#include <enet/enet.h>

#include <atomic>
#include <string>
#include <unordered_map>
#include <vector>

#include "proto/sfu_link.hpp"
#include "sfu/control_event.hpp"
#include "sfu/direct_worker.hpp"
#include "sfu/fanout_worker.hpp"
#include "sfu/media_ingress.hpp"
#include "sfu/packet_mesh.hpp"
#include "sfu/place_socket.hpp"
#include "sfu/sfu_config.hpp"
#include "sfu/sfu_metrics.hpp"
#include "sfu/voice_datagrams.hpp"

namespace allo::sfu {

class LinkServer : private CompatibleSink {
 public:
  LinkServer(const SfuConfig& config, std::string direct_endpoint,
             std::vector<DirectWorker*> workers, PacketMesh& mesh, SfuMetrics& metrics);
  ~LinkServer() override;
  LinkServer(const LinkServer&) = delete;
  LinkServer& operator=(const LinkServer&) = delete;

  uint16_t bound_port() const { return host_->address.port; }
  // Runs until `stop` becomes true.
  void run(const std::atomic<bool>& stop);

 private:
  void handle(const ENetEvent& event, int64_t now_ns);
  void handle_control(ENetPeer* peer, std::string_view bytes);
  void handle_media(std::span<const uint8_t> bytes, int64_t now_ns);
  // Applies `event` here, then queues it to every worker.
  void apply_everywhere(const ControlEvent& event);
  void drop_place();
  void apply_worker_reports();
  bool reports_waiting() const;
  void send_compatible(const PacketRef& packet,
                       std::span<const std::string* const> agents) override;
  void publish_metrics();
  void send_load_report();
  // The shared socket: routes from agent_joined, the pass's datagrams, reports.
  void set_route(const std::string& agent, const proto::sfu_link::AgentRoute& route);
  void service_place_socket(double now);
  void send_datagrams();
  void write_datagrams(int fd, std::span<mmsghdr> messages);
  void send_route_groups();

  struct Route {
    DatagramRoute datagram;
    uint16_t next_group = 0;
    bool report = false;  // a group not reported yet (or the route is new)
  };

  std::string direct_endpoint_;
  std::vector<DirectWorker*> workers_;
  PacketMesh& mesh_;
  SfuMetrics& metrics_;
  ENetHost* host_ = nullptr;
  ENetPeer* place_ = nullptr;  // the peer that sent a valid hello
  std::string secret_;         // of the current place session
  uint64_t session_ = 0;       // counts the secrets seen (LinkSecretChanged)
  WorkerStats stats_;
  FanoutWorker fanout_;  // the compatible-path listeners; its registry is the authoritative one
  MediaIngress ingress_;
  std::vector<std::string_view> agent_views_;  // scratch for send_compatible
  PlaceSocket place_socket_;
  std::unordered_map<std::string, Route> routes_;  // by agent
  VoiceDatagrams datagrams_;                       // this pass's, sent before the ENet flush
  std::vector<PacketRef> datagram_packets_;        // keeps their payloads alive until then
  const std::atomic<bool>* stop_ = nullptr;
};

}  // namespace allo::sfu
