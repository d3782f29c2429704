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

uint32_t client_of(const uint8_t* message, size_t size) {
  uint32_t index = UINT32_MAX;
  if (size >= 4) std::memcpy(&index, message, 4);
  return index;
}

// The link carries messages in batches, as the place's does ([u32 length]
// [message] repeated, up to kBatchBytes per packet): one ENet packet per
// message would leave thousands of reliable commands in flight on the link,
// and ENet looks each acknowledgement up by a linear search through them.
constexpr size_t kBatchBytes = 60 * 1024;

class Batch {
 public:
  void add(ENetPeer* peer, const uint8_t* data, size_t size) {
    if (!bytes_.empty() && bytes_.size() + 4 + size > kBatchBytes) flush(peer);
    const auto length = static_cast<uint32_t>(size);
    bytes_.insert(bytes_.end(), reinterpret_cast<const uint8_t*>(&length),
                  reinterpret_cast<const uint8_t*>(&length) + 4);
    bytes_.insert(bytes_.end(), data, data + size);
  }
  void flush(ENetPeer* peer) {
    if (bytes_.empty()) return;
    enet_peer_send(peer, 0,
                   enet_packet_create(bytes_.data(), bytes_.size(), ENET_PACKET_FLAG_RELIABLE));
    enet_link::keep_window(peer);
    bytes_.clear();
  }

 private:
  std::vector<uint8_t> bytes_;
};

template <typename OnMessage>
void for_each_message(const ENetPacket* packet, OnMessage on_message) {
  for (size_t at = 0; at + 4 <= packet->dataLength;) {
    uint32_t length = 0;
    std::memcpy(&length, packet->data + at, 4);
    if (length > packet->dataLength - at - 4) return;
    on_message(packet->data + at + 4, length);
    at += 4 + length;
  }
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
    std::vector<uint8_t> reply(reply_bytes, 0xab);
    Batch replies;
    ENetPeer* relay_peer = nullptr;
    serve(
        {server.get()}, stop,
        [&](size_t, ENetEvent& event) {
          if (event.type == ENET_EVENT_TYPE_CONNECT) {
            enet_link::tune_peer(event.peer);
            relay_peer = event.peer;
          }
          if (event.type != ENET_EVENT_TYPE_RECEIVE) return;
          for_each_message(event.packet, [&](const uint8_t* request, size_t size) {
            if (size >= 4) std::memcpy(reply.data(), request, std::min<size_t>(4, reply.size()));
            replies.add(relay_peer, reply.data(), reply.size());
          });
          enet_packet_destroy(event.packet);
        },
        [&] { replies.flush(relay_peer); });
  });
  JoinOnExit join_server{stop, server_thread};
  std::thread relay_thread([&] {
    std::vector<ENetPeer*> by_index(static_cast<size_t>(clients), nullptr);
    Batch requests;
    serve(
        {relay.get(), link.get()}, stop,
        [&](size_t host, ENetEvent& event) {
          if (host == 1 && event.type == ENET_EVENT_TYPE_CONNECT) {
            enet_link::tune_peer(event.peer);
            link_up = true;
          }
          if (event.type != ENET_EVENT_TYPE_RECEIVE) return;
          if (host == 0) {  // a client's request: to the server
            const uint32_t index = client_of(event.packet->data, event.packet->dataLength);
            if (index < by_index.size()) by_index[index] = event.peer;
            requests.add(link_peer, event.packet->data, event.packet->dataLength);
          } else {  // the server's replies: each to its client
            for_each_message(event.packet, [&](const uint8_t* reply, size_t size) {
              const uint32_t index = client_of(reply, size);
              if (index >= by_index.size() || by_index[index] == nullptr) return;
              enet_peer_send(by_index[index], 0,
                             enet_packet_create(reply, size, ENET_PACKET_FLAG_RELIABLE));
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
