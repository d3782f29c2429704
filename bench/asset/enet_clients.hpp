// The plain ENet clients of asset_bench's baselines (bulk and relay): hosts
// connected from the calling thread, then serviced by a ReadyFleet while the
// caller's other connections get a keepalive every 20 ms; and the guard that
// stops a baseline's threads.
#pragma once

#include <enet/enet.h>

#include <atomic>
#include <functional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "common/mono_clock.hpp"
#include "ready_fleet.hpp"

namespace allo::bench {

// Stops a baseline's server thread (sets `stop`, joins) however the caller's
// scope ends.
struct JoinOnExit {
  std::atomic<bool>& stop;
  std::thread& thread;
  ~JoinOnExit() {
    stop = true;
    if (thread.joinable()) thread.join();
  }
};

class EnetClients {
 public:
  // Connects `count` hosts (one peer each) to `server`; waits up to 10 s for
  // every connection and for `also_ready()`. Throws when that times out.
  EnetClients(
      const ENetAddress& server, int count,
      const std::function<bool()>& also_ready = [] { return true; }) {
    for (int i = 0; i < count; ++i) {
      ENetHost* host = enet_host_create(nullptr, 1, 1, 0, 0);
      if (host == nullptr) throw std::runtime_error("enet baseline: cannot create a client host");
      hosts_.push_back(host);
      peers_.push_back(enet_host_connect(host, &server, 1, 0));
    }
    ENetEvent event;
    int connected = 0;
    const double deadline = mono_seconds() + 10;
    while (connected < count || !also_ready()) {
      if (mono_seconds() > deadline) throw std::runtime_error("enet baseline: cannot connect");
      for (auto* host : hosts_) {
        while (enet_host_service(host, &event, 0) > 0)
          if (event.type == ENET_EVENT_TYPE_CONNECT) ++connected;
      }
    }
  }
  ~EnetClients() {
    for (auto* host : hosts_) enet_host_destroy(host);
  }
  EnetClients(const EnetClients&) = delete;
  EnetClients& operator=(const EnetClients&) = delete;

  size_t size() const { return hosts_.size(); }
  ENetHost* host(size_t i) { return hosts_[i]; }
  ENetPeer* peer(size_t i) { return peers_[i]; }

  // Services the hosts (`on_event(i, event)` for each event of host i) until
  // `done()` or 120 s; false on the timeout.
  bool run(const std::function<void(size_t, ENetEvent&)>& on_event,
           const std::function<bool()>& done, const std::function<void()>& keepalive) {
    std::vector<int> fds;
    for (auto* host : hosts_) fds.push_back(static_cast<int>(host->socket));
    ENetEvent event;
    ReadyFleet fleet(fds, [&](size_t i) {
      while (enet_host_service(hosts_[i], &event, 0) > 0) on_event(i, event);
    });
    const double deadline = mono_seconds() + 120;
    double next_keepalive = 0;
    while (!done()) {
      const double now = mono_seconds();
      if (now > deadline) return false;
      if (now >= next_keepalive) {
        keepalive();
        next_keepalive = now + 0.02;
      }
      fleet.turn();
    }
    return true;
  }

 private:
  std::vector<ENetHost*> hosts_;
  std::vector<ENetPeer*> peers_;
};

}  // namespace allo::bench
