// Two raw ENet hosts connected over loopback, for unit tests of code that
// sits on an ENet host (pacers, batchers, datagram scanners): `server` is
// bound with `channels` channels, `client` has one peer to it. Events other
// than the connect are left to the test. Not thread-safe.
#pragma once

#include <enet/enet.h>

#include <cstddef>

namespace allo::testing {

struct EnetLoopbackPair {
  // Creates both hosts (calls enet_initialize); connect() joins them.
  explicit EnetLoopbackPair(size_t channels = 4, size_t server_peers = 4);
  ~EnetLoopbackPair();  // destroys both hosts, then enet_deinitialize
  EnetLoopbackPair(const EnetLoopbackPair&) = delete;
  EnetLoopbackPair& operator=(const EnetLoopbackPair&) = delete;

  // Services both hosts until each saw its connect event; false after the
  // timeout or when a host could not be created.
  bool connect(double timeout_seconds = 5);

  ENetHost* server = nullptr;
  ENetHost* client = nullptr;
  ENetPeer* server_peer = nullptr;  // the client, as the server sees it
  ENetPeer* client_peer = nullptr;  // the server, as the client sees it
};

}  // namespace allo::testing
