// EnetConnection: one ENet client host with one peer connected to a place over
// limits::kChannelCount channels. Hands received packets out as bytes; knows
// nothing about their content. Private to the SDK. Not thread-safe.
#pragma once

#include <enet/enet.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "arrival_stamps.hpp"
#include "common/address.hpp"
#include "proto/error.hpp"

namespace allo::client {

class EnetConnection {
 public:
  struct Packet {
    uint8_t channel;
    std::string data;
    // When it reached the socket (mono seconds; see ArrivalStamps), on the
    // channel given to stamp_arrivals(); negative when unknown.
    double arrival = -1;
  };

  // Connects and waits up to `timeout_seconds` for the handshake. Errors:
  // "enet_init_failed", "resolve_failed", "host_create_failed", "connect_failed"
  // (no route / refused before the handshake), "connect_timeout".
  static proto::Result<std::unique_ptr<EnetConnection>> open(const Endpoint& endpoint,
                                                             double timeout_seconds);
  ~EnetConnection();  // drops the peer without a goodbye if still connected
  EnetConnection(const EnetConnection&) = delete;
  EnetConnection& operator=(const EnetConnection&) = delete;

  bool connected() const { return peer_ != nullptr; }
  // The host's UDP socket while connected, else -1. Readable when a datagram
  // waits; service() reads it. Owned by the host (closed in the destructor).
  int socket_fd() const { return peer_ != nullptr ? static_cast<int>(host_->socket) : -1; }
  // Queues one packet; false when disconnected or ENet refuses it.
  bool send(uint8_t channel, std::string_view bytes, bool reliable);
  // Sends queued packets now.
  void flush();
  // From now on, packets received on `channel` carry their kernel arrival
  // time (Packet::arrival).
  void stamp_arrivals(uint8_t channel);
  // Waits up to `timeout_ms` for network activity, then appends every received
  // packet (at most `max_events`) to `out`. Returns false once the peer is gone.
  bool service(int timeout_ms, size_t max_events, std::vector<Packet>& out);
  // Graceful goodbye: sends what is queued, then waits up to `timeout_seconds`
  // for the place to confirm; received packets are discarded.
  void close(double timeout_seconds);

 private:
  EnetConnection(ENetHost* host, ENetPeer* peer);
  ENetHost* host_;
  ENetPeer* peer_;
  std::unique_ptr<ArrivalStamps> stamps_;
};

}  // namespace allo::client
