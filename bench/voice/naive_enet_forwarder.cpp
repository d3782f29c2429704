// run_naive_enet_forwarder (naive_forwarder.hpp): the obvious single-threaded
// ENet forwarder, its ENet listeners and speakers, all in this process.
#include <enet/enet.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "common/enet_voice_peer.hpp"
#include "common/mono_clock.hpp"
#include "common/realtime.hpp"
#include "common/rt_load_guard.hpp"
#include "common/socket_buffers.hpp"
#include "loadgen_report.hpp"
#include "naive_forwarder.hpp"
#include "proto/limits.hpp"
#include "ready_sockets.hpp"
#include "sent_frames.hpp"

namespace allo::bench {
namespace {

constexpr uint8_t kMedia = limits::kChannelMedia;
constexpr size_t kReceiverThreads = 2;  // as allo-loadgen's default on 2 cores

ENetHost* client_host() {
  ENetHost* host = enet_host_create(nullptr, 1, limits::kChannelCount, 0, 0);
  if (host == nullptr)
    throw std::runtime_error("naive ENet forwarder: cannot create a client host");
  return host;
}

// Everyone the forwarder will talk to: clients [0, N) listen, [N, N+S) speak.
// Connected before any thread starts, so each host is then used by one thread.
struct Fleet {
  ENetHost* forwarder = nullptr;
  std::vector<ENetHost*> clients;          // by client index
  std::vector<ENetPeer*> forwarder_peers;  // the forwarder's peer of each client
  std::vector<ENetPeer*> client_peers;     // each client's peer of the forwarder

  ~Fleet() {
    for (ENetHost* host : clients) enet_host_destroy(host);
    if (forwarder != nullptr) enet_host_destroy(forwarder);
  }

  void connect(size_t count, double timeout_seconds) {
    ENetAddress address{};
    enet_address_set_host_ip(&address, "127.0.0.1");
    forwarder = enet_host_create(&address, count, limits::kChannelCount, 0, 0);
    if (forwarder == nullptr) throw std::runtime_error("naive ENet forwarder: cannot bind");
    (void)set_socket_buffers(static_cast<int>(forwarder->socket), 4 << 20);
    if (enet_socket_get_address(forwarder->socket, &address) != 0) {
      throw std::runtime_error("naive ENet forwarder: no bound address");
    }
    forwarder_peers.assign(count, nullptr);
    for (size_t i = 0; i < count; ++i) {
      clients.push_back(client_host());
      client_peers.push_back(enet_host_connect(clients.back(), &address, limits::kChannelCount,
                                               static_cast<enet_uint32>(i)));
      if (client_peers.back() == nullptr) throw std::runtime_error("naive ENet forwarder: connect");
    }
    size_t forwarder_side = 0, client_side = 0;
    const double deadline = mono_seconds() + timeout_seconds;
    ENetEvent event;
    while (forwarder_side < count || client_side < count) {
      if (mono_seconds() > deadline) {
        throw std::runtime_error("naive ENet forwarder: clients did not connect in time");
      }
      while (enet_host_service(forwarder, &event, 1) > 0) {
        if (event.type != ENET_EVENT_TYPE_CONNECT || event.data >= count) continue;
        // The SFU's voice settings: the two forwarders differ in design only.
        disable_packet_throttle(event.peer);
        set_voice_ping_interval(event.peer);
        forwarder_peers[event.data] = event.peer;
        ++forwarder_side;
      }
      for (ENetHost* host : clients) {
        while (enet_host_service(host, &event, 0) > 0) {
          if (event.type == ENET_EVENT_TYPE_CONNECT) ++client_side;
        }
      }
    }
  }
};

// One receiving thread's listeners and the epoll over their sockets
// (allo-loadgen's ReadySockets, a host's index as its tag).
struct Receivers {
  std::vector<ENetHost*> hosts;
  loadgen::ReadySockets sockets;
  std::vector<float> latency_ms;

  Receivers(std::vector<ENetHost*> of, loadgen::ReadySockets epoll)
      : hosts(std::move(of)), sockets(std::move(epoll)) {
    for (size_t i = 0; i < hosts.size(); ++i) {
      if (auto watched =
              sockets.watch(static_cast<uint32_t>(i), static_cast<int>(hosts[i]->socket));
          !watched) {
        throw std::runtime_error("naive ENet forwarder: " + watched.error().detail);
      }
    }
  }
};

// Sets `stop` and joins every thread on the way out, exceptions included.
struct StopAndJoin {
  std::atomic<bool>& stop;
  std::vector<std::thread>& threads;
  ~StopAndJoin() {
    stop = true;
    for (auto& t : threads) {
      if (t.joinable()) t.join();
    }
  }
};

// A receiving thread: each readable host serviced until it is dry, and every
// host every 10 ms for ENet's acknowledgements and pings.
void receive(Receivers& mine, const std::atomic<bool>& stop, std::atomic<uint64_t>& delivered) {
  const std::vector<ENetHost*>& hosts = mine.hosts;
  std::vector<float>& latency_ms = mine.latency_ms;
  auto service = [&](ENetHost* host) {
    ENetEvent event;
    while (enet_host_service(host, &event, 0) > 0) {
      if (event.type != ENET_EVENT_TYPE_RECEIVE) continue;
      if (event.channelID == kMedia && event.packet->dataLength > kNaiveHeaderBytes) {
        double sent;
        std::memcpy(&sent, event.packet->data + 4, 8);
        latency_ms.push_back(static_cast<float>((mono_seconds() - sent) * 1000));
        delivered.fetch_add(1, std::memory_order_relaxed);
      }
      enet_packet_destroy(event.packet);
    }
  };
  std::vector<uint32_t> ready;
  double next_sweep = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    if (!mine.sockets.wait(0.005, 256, ready)) ready.clear();
    for (uint32_t tag : ready) service(hosts[tag]);
    if (const double now = mono_seconds(); now >= next_sweep) {
      for (ENetHost* host : hosts) service(host);
      next_sweep = now + 0.01;
    }
  }
}

}  // namespace

NaiveResult run_naive_enet_forwarder(uint32_t clients, uint32_t speakers, uint32_t selected,
                                     double seconds, int rt_priority) {
  const NaiveRun run = prepare_naive_run(clients, speakers, selected, seconds);
  const NaivePlan& plan = run.plan;
  NaiveResult result;
  result.expected = plan.expected;
  if (enet_initialize() != 0) throw std::runtime_error("enet_initialize");
  raise_open_file_limit(clients + speakers + 1 + kReceiverThreads + 32);
  Fleet fleet;
  fleet.connect(clients + speakers, 30);

  // Speaker s's packets arrive on the forwarder's peer of client N + s: its
  // data points at the listeners (null for a listener's peer).
  for (uint32_t s = 0; s < speakers; ++s) {
    fleet.forwarder_peers[clients + s]->data =
        const_cast<std::vector<uint32_t>*>(&plan.subscribers[s]);
  }
  std::vector<std::unique_ptr<Receivers>> receivers;
  for (size_t t = 0; t < kReceiverThreads; ++t) {
    std::vector<ENetHost*> mine;
    for (uint32_t l = static_cast<uint32_t>(t); l < clients; l += kReceiverThreads) {
      mine.push_back(fleet.clients[l]);
    }
    auto epoll = loadgen::ReadySockets::create();
    if (!epoll) throw std::runtime_error("naive ENet forwarder: " + epoll.error().detail);
    receivers.push_back(std::make_unique<Receivers>(std::move(mine), std::move(*epoll)));
  }
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> delivered{0};
  std::vector<std::thread> threads;
  StopAndJoin join_on_exit{stop, threads};

  threads.emplace_back([&] {
    if (rt_priority > 0) result.rt_refused = !make_thread_realtime(rt_priority).has_value();
    const double cpu_before = thread_cpu_seconds();
    ENetEvent event;
    while (!stop.load(std::memory_order_relaxed)) {
      // The canonical ENet server loop: wait for an event, then service until
      // none is left; each service sends what the handlers queued.
      int got = enet_host_service(fleet.forwarder, &event, 10);
      while (got > 0) {
        if (event.type == ENET_EVENT_TYPE_RECEIVE) {
          const auto* listeners = static_cast<const std::vector<uint32_t>*>(event.peer->data);
          if (event.channelID == kMedia && listeners != nullptr) {
            for (uint32_t l : *listeners) {
              ENetPacket* copy =
                  enet_packet_create(event.packet->data, event.packet->dataLength, 0);
              if (enet_peer_send(fleet.forwarder_peers[l], kMedia, copy) < 0) {
                enet_packet_destroy(copy);  // that listener is gone
              }
            }
          }
          enet_packet_destroy(event.packet);
        }
        got = enet_host_service(fleet.forwarder, &event, 0);
      }
    }
    result.forwarder_cpu_seconds = thread_cpu_seconds() - cpu_before;
  });
  for (auto& mine : receivers) {
    threads.emplace_back(receive, std::ref(*mine), std::cref(stop), std::ref(delivered));
  }
  // Speakers (this thread); their hosts are serviced while waiting.
  auto service_speakers = [&] {
    ENetEvent event;
    for (uint32_t s = 0; s < speakers; ++s) {
      while (enet_host_service(fleet.clients[clients + s], &event, 0) > 0) {
        if (event.type == ENET_EVENT_TYPE_RECEIVE) enet_packet_destroy(event.packet);
      }
    }
  };
  speak_and_drain(
      run.opus, speakers, run.frames, result.expected, [&] { return delivered.load(); },
      service_speakers,
      [&](uint32_t s, std::span<const uint8_t> packet) {
        ENetPacket* voice = enet_packet_create(packet.data(), packet.size(), 0);
        if (enet_peer_send(fleet.client_peers[clients + s], kMedia, voice) < 0) {
          enet_packet_destroy(voice);  // the speaker's link is gone: a loss
        }
        enet_host_flush(fleet.clients[clients + s]);
      });
  stop = true;
  for (auto& t : threads) t.join();
  result.delivered = delivered.load();
  std::vector<float> all;
  for (auto& mine : receivers)
    all.insert(all.end(), mine->latency_ms.begin(), mine->latency_ms.end());
  auto summary = loadgen::summarize_latency(all);
  result.p50_ms = summary.p50_ms;
  result.p99_ms = summary.p99_ms;
  result.p999_ms = summary.p999_ms;
  return result;
}

}  // namespace allo::bench
