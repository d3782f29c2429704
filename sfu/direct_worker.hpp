// One fan-out worker thread with its own ENet host on the shared direct-path
// port (SO_REUSEPORT: the kernel hashes each client's address to one of the
// workers' sockets, so a client always talks to the same worker and no ENet
// host is ever touched by two threads).
//
// Inputs: direct-path peers on its socket; packets from the other workers and
// the link thread through the PacketMesh; ControlEvents from the link thread
// through its control ring. Outputs: ENet sends to its own peers; its
// direct-path packets to the other threads through the PacketMesh (the link
// thread's compatible-path listeners among them); DirectPathChanged reports
// to the link thread through a ring. Every ring is SPSC (see spsc_ring.hpp
// for the ordering).
//
// Thread-safety: the constructor/destructor run on the owning (main) thread;
// push_control, pop_report and reports_waiting only from the link thread.
#pragma once

#include <enet/enet.h>

#include <atomic>
#include <cstdint>
#include <deque>
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

// The fan-out settings of the daemon's threads (workers and link thread).
FanoutConfig daemon_fanout_config(const SfuConfig& config);

class DirectWorker : private DirectSink {
 public:
  // Binds `listen` with SO_REUSEPORT. Throws std::runtime_error naming the
  // address when it cannot (a start-up failure).
  DirectWorker(size_t index, const SfuConfig& config, const Endpoint& listen, PacketMesh& mesh,
               SfuMetrics& metrics);
  ~DirectWorker() override;
  DirectWorker(const DirectWorker&) = delete;
  DirectWorker& operator=(const DirectWorker&) = delete;

  uint16_t bound_port() const { return host_->address.port; }
  // Starts the thread; under SCHED_RR at `rt_priority` unless it is 0.
  void start(int rt_priority = 0);
  void stop();  // joins

  // Link thread side. push_control returns false when the ring is full, and
  // wakes the worker otherwise (it sleeps up to kMaxIdleWaitMs).
  bool push_control(ControlEvent&& event);
  bool pop_report(DirectPathChanged& report) { return reports_.try_pop(report); }
  bool reports_waiting() const { return reports_.size_approx() > 0; }

 private:
  void run();
  void handle(const ENetEvent& event, int64_t now_ns);
  void handle_hello(ENetPeer* peer, std::span<const uint8_t> bytes);
  void handle_media(ENetPeer* peer, std::span<const uint8_t> bytes, int64_t now_ns);
  void drain_control();
  void apply(const ControlEvent& event);
  void report(DirectPathChanged report);
  void flush_reports();
  void publish_metrics(double now_seconds);
  void send_direct(const PacketRef& packet, std::span<const uint64_t> handles) override;

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
  SpscRing<ControlEvent> control_;
  SpscRing<DirectPathChanged> reports_;
  std::deque<DirectPathChanged> unsent_reports_;  // while reports_ is full; never dropped
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace allo::sfu
