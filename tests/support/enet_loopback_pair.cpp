#include "tests/support/enet_loopback_pair.hpp"

#include "tests/support/net.hpp"

namespace allo::testing {

EnetLoopbackPair::EnetLoopbackPair(size_t channels, size_t server_peers) {
  enet_initialize();
  ENetAddress address{};
  enet_address_set_host(&address, "127.0.0.1");
  address.port = free_udp_port();
  server = enet_host_create(&address, server_peers, channels, 0, 0);
  client = enet_host_create(nullptr, 1, channels, 0, 0);
  if (server && client) client_peer = enet_host_connect(client, &address, channels, 0);
}

EnetLoopbackPair::~EnetLoopbackPair() {
  if (client) enet_host_destroy(client);
  if (server) enet_host_destroy(server);
  enet_deinitialize();
}

bool EnetLoopbackPair::connect(double timeout_seconds) {
  if (!server || !client || !client_peer) return false;
  bool client_up = false;
  return wait_until(
      [&] { return server_peer != nullptr && client_up; }, timeout_seconds,
      [&] {
        ENetEvent event;
        while (enet_host_service(client, &event, 0) > 0) {
          if (event.type == ENET_EVENT_TYPE_CONNECT) client_up = true;
        }
        if (enet_host_service(server, &event, 1) > 0 && event.type == ENET_EVENT_TYPE_CONNECT)
          server_peer = event.peer;
      });
}

}  // namespace allo::testing
