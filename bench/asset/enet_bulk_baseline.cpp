#include "enet_bulk_baseline.hpp"

// The flow control peeks at ENetPeer's command lists (public in enet.h).

#include <enet/enet.h>
#include <poll.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "common/mono_clock.hpp"
#include "enet_clients.hpp"
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
  std::unique_ptr<ENetHost, decltype(&enet_host_destroy)> server_host(
      enet_host_create(&address, clients, 1, 0, 0), &enet_host_destroy);
  if (!server_host) throw std::runtime_error("enet baseline: cannot bind the server");
  ENetHost* server = server_host.get();
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
      // Wait on the socket, not in enet_host_service: acknowledgements are
      // no events, so it would sit out its whole timeout each time.
      pollfd socket{static_cast<int>(server->socket), POLLIN, 0};
      while (!done && backlog()) {
        (void)poll(&socket, 1, 1);
        while (enet_host_service(server, &event, 0) > 0) {
        }
      }
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

  JoinOnExit join_sender{done, sender};
  std::vector<size_t> received(clients, 0);
  size_t complete = 0;
  EnetClients hosts(address, clients);
  go = true;
  const bool finished = hosts.run(
      [&](size_t i, ENetEvent& event) {
        if (event.type != ENET_EVENT_TYPE_RECEIVE) return;
        received[i] += event.packet->dataLength;
        if (received[i] >= bytes_per_client &&
            received[i] - event.packet->dataLength < bytes_per_client)
          ++complete;
        enet_packet_destroy(event.packet);
      },
      [&] { return complete == static_cast<size_t>(clients); }, keepalive);
  if (!finished) throw std::runtime_error("enet baseline: transfer timed out");
  return mono_seconds() - started;
}

}  // namespace allo::bench
