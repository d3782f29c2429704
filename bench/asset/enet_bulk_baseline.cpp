#include "enet_bulk_baseline.hpp"

// The flow control peeks at ENetPeer's command lists (public in enet.h).

#include <enet/enet.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "common/mono_clock.hpp"
#include "ready_fleet.hpp"
#include "tests/support/net.hpp"

namespace allo::bench {
namespace {

// ENet fragments (about 1.4 KB each) per peer in flight: about 256 KiB.
constexpr size_t kWindowFragments = 192;

}  // namespace

double enet_bulk_seconds(size_t bytes_per_client, size_t message_bytes, int clients,
                         const std::function<void()>& keepalive) {
  ENetAddress address{};
  enet_address_set_host(&address, "127.0.0.1");
  address.port = testing::free_udp_port();
  ENetHost* server = enet_host_create(&address, clients, 1, 0, 0);
  if (!server) throw std::runtime_error("enet baseline: cannot bind the server");
  std::atomic<bool> go{false}, done{false};
  std::atomic<double> started{0};
  std::thread sender([&] {
    std::vector<ENetPeer*> peers;
    ENetEvent event;
    while (!done && static_cast<int>(peers.size()) < clients) {
      if (enet_host_service(server, &event, 5) > 0 && event.type == ENET_EVENT_TYPE_CONNECT)
        peers.push_back(event.peer);
    }
    while (!done && !go) enet_host_service(server, &event, 1);
    started = mono_seconds();
    std::vector<uint8_t> payload(message_bytes, 0xab);
    for (size_t sent = 0; sent < bytes_per_client;) {
      // Flow control like assetd's 256 KiB window: queue the next chunk only
      // while every peer has less than that queued or unacknowledged.
      auto backlog = [&] {
        for (auto* peer : peers) {
          if (enet_list_size(&peer->outgoingCommands) +
                  enet_list_size(&peer->sentReliableCommands) >=
              kWindowFragments)
            return true;
        }
        return false;
      };
      while (!done && backlog()) enet_host_service(server, &event, 1);
      size_t n = std::min(message_bytes, bytes_per_client - sent);
      ENetPacket* packet = enet_packet_create(payload.data(), n, ENET_PACKET_FLAG_RELIABLE);
      for (auto* peer : peers) enet_peer_send(peer, 0, packet);
      if (packet->referenceCount == 0) enet_packet_destroy(packet);
      sent += n;
      while (enet_host_service(server, &event, 0) > 0) {
      }
    }
    while (!done) {
      enet_host_service(server, &event, 1);
    }
  });

  std::vector<ENetHost*> hosts;
  std::vector<size_t> received(clients, 0);
  int connected = 0;
  for (int i = 0; i < clients; ++i) {
    hosts.push_back(enet_host_create(nullptr, 1, 1, 0, 0));
    enet_host_connect(hosts.back(), &address, 1, 0);
  }
  ENetEvent event;
  double deadline = mono_seconds() + 10;
  while (connected < clients && mono_seconds() < deadline) {
    for (auto* h : hosts) {
      while (enet_host_service(h, &event, 0) > 0)
        if (event.type == ENET_EVENT_TYPE_CONNECT) ++connected;
    }
  }
  go = true;
  size_t complete = 0;
  deadline = mono_seconds() + 120;
  double next_keepalive = 0;
  std::vector<int> fds;
  for (auto* h : hosts) fds.push_back(static_cast<int>(h->socket));
  ReadyFleet fleet(fds, [&](size_t i) {
    while (enet_host_service(hosts[i], &event, 0) > 0) {
      if (event.type == ENET_EVENT_TYPE_RECEIVE) {
        received[i] += event.packet->dataLength;
        if (received[i] >= bytes_per_client &&
            received[i] - event.packet->dataLength < bytes_per_client)
          ++complete;
        enet_packet_destroy(event.packet);
      }
    }
  });
  while (complete < hosts.size() && mono_seconds() < deadline) {
    if (mono_seconds() >= next_keepalive) {
      keepalive();
      next_keepalive = mono_seconds() + 0.02;
    }
    fleet.turn();
  }
  double seconds = mono_seconds() - started;
  done = true;
  sender.join();
  for (auto* h : hosts) enet_host_destroy(h);
  enet_host_destroy(server);
  if (complete < hosts.size()) throw std::runtime_error("enet baseline: transfer timed out");
  return seconds;
}

}  // namespace allo::bench
