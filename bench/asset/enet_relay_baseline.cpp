#include "enet_relay_baseline.hpp"

#include <enet/enet.h>
#include <poll.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "common/enet_link.hpp"
#include "common/mono_clock.hpp"
#include "common/socket_buffers.hpp"
#include "enet_clients.hpp"
#include "proto/assetd_link.hpp"
#include "tests/support/net.hpp"

namespace allo::bench {
namespace {

// An asset request frame for a sha256 id is about this long.
constexpr size_t kRequestBytes = 104;
// Requests a client keeps outstanding (256 KiB of 1 KiB replies, assetd's
// window per agent). With every request sent at once, ENet's queues hold
// 100k commands at 50 clients and its per-pass scans of them dominate.
constexpr int kOutstandingRequests = 256;

using HostPtr = std::unique_ptr<ENetHost, decltype(&enet_host_destroy)>;

HostPtr listen_host(uint16_t port, size_t peers) {
  ENetAddress address{};
  enet_address_set_host(&address, "127.0.0.1");
  address.port = port;
  HostPtr host(enet_host_create(&address, peers, 1, 0, 0), &enet_host_destroy);
  if (!host) throw std::runtime_error("enet relay baseline: cannot bind a host");
  return host;
}

// The link speaks the place <-> assetd link protocol (proto/assetd_link.hpp):
// frame_from_agent / frame_to_agent messages, batched by the same
// LinkBatchWriter the place and assetd use. The agent id is the client's
// index + 1 (0 is no agent).
class LinkSender {
 public:
  void add(ENetPeer* peer, std::span<const uint8_t> message) {
    if (batch_.full_for(message.size())) flush(peer);
    batch_.add(message);
  }
  void flush(ENetPeer* peer) {
    if (batch_.empty() || peer == nullptr) return;
    const auto bytes = batch_.bytes();
    enet_peer_send(peer, 0,
                   enet_packet_create(bytes.data(), bytes.size(), ENET_PACKET_FLAG_RELIABLE));
    enet_link::keep_window(peer);
    batch_.clear();
  }

 private:
  proto::LinkBatchWriter batch_;
};

// Each message of a link packet (nothing when it does not parse).
template <typename OnMessage>
void for_each_link_message(const ENetPacket* packet, OnMessage on_message) {
  auto messages = proto::parse_link_packet({packet->data, packet->dataLength});
  if (!messages) return;
  for (const auto& message : *messages) on_message(message);
}

// Services the hosts until `stop`, waiting on their sockets when idle.
// `end_of_pass` runs after each pass over the hosts' events.
template <typename OnEvent, typename EndOfPass>
void serve(std::vector<ENetHost*> hosts, const std::atomic<bool>& stop, OnEvent on_event,
           EndOfPass end_of_pass) {
  std::vector<pollfd> fds;
  for (auto* h : hosts) fds.push_back({static_cast<int>(h->socket), POLLIN, 0});
  ENetEvent event;
  while (!stop.load(std::memory_order_relaxed)) {
    for (size_t i = 0; i < hosts.size(); ++i) {
      while (enet_host_service(hosts[i], &event, 0) > 0) on_event(i, event);
    }
    end_of_pass();
    for (auto* h : hosts) enet_host_flush(h);
    (void)poll(fds.data(), fds.size(), 1);
  }
}

}  // namespace

double enet_relay_seconds(int requests, size_t reply_bytes, int clients,
                          const std::function<void()>& keepalive) {
  const uint16_t server_port = testing::free_udp_port(), relay_port = testing::free_udp_port();
  HostPtr server = listen_host(server_port, 1);
  HostPtr relay = listen_host(relay_port, static_cast<size_t>(clients));
  HostPtr link(enet_host_create(nullptr, 1, 1, 0, 0), &enet_host_destroy);
  if (!link) throw std::runtime_error("enet relay baseline: cannot create the link host");
  enet_link::tune_host(server.get(), true);
  enet_link::tune_host(link.get(), true);
  // The relay's public side as the place's.
  (void)set_socket_buffers(static_cast<int>(relay->socket), kPublicSocketBufferBytes);
  ENetAddress address{};
  enet_address_set_host(&address, "127.0.0.1");
  address.port = server_port;
  ENetPeer* link_peer = enet_host_connect(link.get(), &address, 1, 0);
  std::atomic<bool> stop{false}, link_up{false};

  std::thread server_thread([&] {
    const std::vector<uint8_t> reply(reply_bytes, 0xab);
    LinkSender replies;
    ENetPeer* relay_peer = nullptr;
    serve(
        {server.get()}, stop,
        [&](size_t, ENetEvent& event) {
          if (event.type == ENET_EVENT_TYPE_CONNECT) {
            enet_link::tune_peer(event.peer);
            relay_peer = event.peer;
          }
          if (event.type != ENET_EVENT_TYPE_RECEIVE) return;
          for_each_link_message(event.packet, [&](const proto::LinkMessage& request) {
            if (request.kind != proto::LinkKind::kFrameFromAgent) return;
            replies.add(relay_peer, proto::encode_link_frame_to_agent(request.agent, reply));
          });
          enet_packet_destroy(event.packet);
        },
        [&] { replies.flush(relay_peer); });
  });
  JoinOnExit join_server{stop, server_thread};
  std::thread relay_thread([&] {
    std::vector<ENetPeer*> by_index(static_cast<size_t>(clients), nullptr);
    LinkSender requests;
    serve(
        {relay.get(), link.get()}, stop,
        [&](size_t host, ENetEvent& event) {
          if (host == 1 && event.type == ENET_EVENT_TYPE_CONNECT) {
            enet_link::tune_peer(event.peer);
            link_up = true;
          }
          if (event.type != ENET_EVENT_TYPE_RECEIVE) return;
          if (host == 0) {  // a client's request: to the server
            uint32_t index = UINT32_MAX;
            if (event.packet->dataLength >= 4) std::memcpy(&index, event.packet->data, 4);
            if (index < by_index.size()) {
              by_index[index] = event.peer;
              requests.add(link_peer,
                           proto::encode_link_frame_from_agent(
                               index + 1, 0, {event.packet->data, event.packet->dataLength}));
            }
          } else {  // the server's replies: each to its client
            for_each_link_message(event.packet, [&](const proto::LinkMessage& reply) {
              if (reply.kind != proto::LinkKind::kFrameToAgent || reply.agent == 0 ||
                  reply.agent > by_index.size() || by_index[reply.agent - 1] == nullptr)
                return;
              enet_peer_send(by_index[reply.agent - 1], 0,
                             enet_packet_create(reply.frame.data(), reply.frame.size(),
                                                ENET_PACKET_FLAG_RELIABLE));
            });
          }
          enet_packet_destroy(event.packet);
        },
        [&] { requests.flush(link_peer); });
  });
  JoinOnExit join_relay{stop, relay_thread};

  address.port = relay_port;
  EnetClients hosts(address, clients, [&] { return link_up.load(); });
  // Each request starts with its client's index; the server echoes it.
  std::vector<uint8_t> request(kRequestBytes, 0x20);
  std::vector<int> sent(static_cast<size_t>(clients), 0), received(sent);
  int complete = 0;
  auto send_request = [&](size_t c) {
    const auto index = static_cast<uint32_t>(c);
    std::memcpy(request.data(), &index, 4);
    enet_peer_send(hosts.peer(c), 0,
                   enet_packet_create(request.data(), request.size(), ENET_PACKET_FLAG_RELIABLE));
    ++sent[c];
  };
  const double started = mono_seconds();
  for (size_t c = 0; c < hosts.size(); ++c) {
    while (sent[c] < std::min(requests, kOutstandingRequests)) send_request(c);
    enet_host_flush(hosts.host(c));
  }
  const bool finished = hosts.run(
      [&](size_t i, ENetEvent& event) {
        if (event.type != ENET_EVENT_TYPE_RECEIVE) return;
        if (++received[i] == requests) ++complete;
        if (sent[i] < requests) send_request(i);
        enet_packet_destroy(event.packet);
      },
      [&] { return complete == clients; }, keepalive);
  if (!finished) throw std::runtime_error("enet relay baseline: timed out");
  return mono_seconds() - started;
}

}  // namespace allo::bench
