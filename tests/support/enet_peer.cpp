#include "tests/support/enet_peer.hpp"

#include "common/mono_clock.hpp"

namespace allo::testing {

EnetPeer::EnetPeer() {
  enet_initialize();
  host_ = enet_host_create(nullptr, 1, 8, 0, 0);
}

EnetPeer::~EnetPeer() {
  if (host_) enet_host_destroy(host_);
  enet_deinitialize();
}

bool EnetPeer::connect(const std::string& host, uint16_t port, double timeout_seconds,
                       size_t channels) {
  ENetAddress addr{};
  enet_address_set_host(&addr, host.c_str());
  addr.port = port;
  peer_ = enet_host_connect(host_, &addr, channels, 0);
  if (!peer_) return false;
  const double deadline = mono_seconds() + timeout_seconds;
  while (!connected_ && mono_seconds() < deadline) poll(20);
  return connected_;
}

void EnetPeer::send(uint8_t channel, const std::string& bytes, bool reliable) {
  if (!peer_) return;
  ENetPacket* p =
      enet_packet_create(bytes.data(), bytes.size(), reliable ? ENET_PACKET_FLAG_RELIABLE : 0);
  if (enet_peer_send(peer_, channel, p) != 0) enet_packet_destroy(p);
  enet_host_flush(host_);
}

void EnetPeer::poll(int timeout_ms) {
  ENetEvent ev;
  int rc = enet_host_service(host_, &ev, static_cast<enet_uint32>(timeout_ms));
  while (rc > 0) {
    if (ev.type == ENET_EVENT_TYPE_CONNECT) connected_ = true;
    if (ev.type == ENET_EVENT_TYPE_DISCONNECT) connected_ = false;
    if (ev.type == ENET_EVENT_TYPE_RECEIVE) {
      received_.push_back({ev.channelID, std::string(reinterpret_cast<char*>(ev.packet->data),
                                                     ev.packet->dataLength)});
      enet_packet_destroy(ev.packet);
    }
    rc = enet_host_check_events(host_, &ev);
  }
}

std::string EnetPeer::next(uint8_t channel, double timeout_seconds) {
  const double deadline = mono_seconds() + timeout_seconds;
  for (;;) {
    for (auto it = received_.begin(); it != received_.end(); ++it) {
      if (it->channel == channel) {
        std::string out = std::move(it->bytes);
        received_.erase(it);
        return out;
      }
    }
    if (mono_seconds() >= deadline) return "";
    poll(10);
  }
}

void EnetPeer::disconnect() {
  if (peer_ && connected_) {
    enet_peer_disconnect(peer_, 0);
    const double deadline = mono_seconds() + 1.0;
    while (connected_ && mono_seconds() < deadline) poll(10);
  }
  peer_ = nullptr;
}

}  // namespace allo::testing
