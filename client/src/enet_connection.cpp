#include "enet_connection.hpp"

#include <algorithm>
#include <cmath>

#include "common/mono_clock.hpp"
#include "proto/limits.hpp"

namespace allo::client {
namespace {

bool init_enet_once() {
  static const bool ok = [] {
    if (enet_initialize() != 0) return false;
    std::atexit(enet_deinitialize);
    return true;
  }();
  return ok;
}

// enet_host_service only retransmits (and checks timeouts) when a datagram
// arrives or its timeout ends, so a long wait would never resend a lost
// CONNECT or reliable packet. Every wait is cut into slices of this length.
constexpr int kServiceSliceMs = 10;

int ms_until(double deadline) {
  double left = deadline - mono_seconds();
  int ms = left <= 0 ? 0 : static_cast<int>(std::ceil(left * 1000));
  return std::min(ms, kServiceSliceMs);
}

}  // namespace

proto::Result<std::unique_ptr<EnetConnection>> EnetConnection::open(const Endpoint& endpoint,
                                                                    double timeout_seconds) {
  if (!init_enet_once()) return proto::fail("enet_init_failed", "enet_initialize failed");
  ENetAddress address{};
  if (enet_address_set_host(&address, endpoint.host.c_str()) != 0) {
    return proto::fail("resolve_failed", "cannot resolve host \"" + endpoint.host + "\"");
  }
  address.port = endpoint.port;
  ENetHost* host = enet_host_create(nullptr, 1, limits::kChannelCount, 0, 0);
  if (host == nullptr) return proto::fail("host_create_failed", "enet_host_create failed");
  ENetPeer* peer = enet_host_connect(host, &address, limits::kChannelCount, 0);
  if (peer == nullptr) {
    enet_host_destroy(host);
    return proto::fail("connect_failed", "enet_host_connect failed");
  }
  const double deadline = mono_seconds() + std::max(0.0, timeout_seconds);
  ENetEvent event;
  while (true) {
    int rc = enet_host_service(host, &event, static_cast<enet_uint32>(ms_until(deadline)));
    if (rc > 0 && event.type == ENET_EVENT_TYPE_CONNECT) break;
    if (rc > 0 && event.type == ENET_EVENT_TYPE_RECEIVE) enet_packet_destroy(event.packet);
    if (rc < 0 || (rc > 0 && event.type == ENET_EVENT_TYPE_DISCONNECT)) {
      enet_host_destroy(host);
      return proto::fail("connect_failed", "connection to " + endpoint.to_string() + " refused");
    }
    if (mono_seconds() >= deadline) {
      enet_peer_reset(peer);
      enet_host_destroy(host);
      return proto::fail("connect_timeout", "no answer from " + endpoint.to_string());
    }
  }
  return std::unique_ptr<EnetConnection>(new EnetConnection(host, peer));
}

EnetConnection::EnetConnection(ENetHost* host, ENetPeer* peer) : host_(host), peer_(peer) {}

EnetConnection::~EnetConnection() {
  stamps_.reset();  // unhooks the host's intercept
  if (peer_ != nullptr) enet_peer_reset(peer_);
  if (host_ != nullptr) enet_host_destroy(host_);
}

bool EnetConnection::send(uint8_t channel, std::string_view bytes, bool reliable) {
  if (peer_ == nullptr) return false;
  ENetPacket* packet =
      enet_packet_create(bytes.data(), bytes.size(), reliable ? ENET_PACKET_FLAG_RELIABLE : 0);
  if (packet == nullptr) return false;
  if (enet_peer_send(peer_, channel, packet) != 0) {
    enet_packet_destroy(packet);
    return false;
  }
  return true;
}

void EnetConnection::flush() {
  if (peer_ != nullptr) enet_host_flush(host_);
}

void EnetConnection::stamp_arrivals(uint8_t channel) {
  stamps_.reset();  // the old recorder unhooks before the new one hooks in
  stamps_ = std::make_unique<ArrivalStamps>(host_, channel);
}

bool EnetConnection::service(int timeout_ms, size_t max_events, std::vector<Packet>& out) {
  if (peer_ == nullptr) return false;
  ENetEvent event;
  ArrivalStamps::Scope scope(stamps_.get());
  // Wait in slices so ENet resends while we wait (see kServiceSliceMs).
  const double deadline = mono_seconds() + std::max(0, timeout_ms) / 1000.0;
  int rc = enet_host_service(host_, &event, static_cast<enet_uint32>(ms_until(deadline)));
  while (rc == 0 && mono_seconds() < deadline) {
    rc = enet_host_service(host_, &event, static_cast<enet_uint32>(ms_until(deadline)));
  }
  size_t handled = 0;
  while (rc > 0) {
    if (event.type == ENET_EVENT_TYPE_RECEIVE) {
      std::span<const uint8_t> bytes(event.packet->data, event.packet->dataLength);
      const double arrival =
          stamps_ && event.channelID == stamps_->channel() ? stamps_->take(bytes) : -1;
      out.push_back({event.channelID,
                     std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                     arrival});
      enet_packet_destroy(event.packet);
    } else if (event.type == ENET_EVENT_TYPE_DISCONNECT) {
      peer_ = nullptr;  // ENet has already reset it
      return false;
    }
    if (++handled >= max_events) break;
    rc = enet_host_check_events(host_, &event);
  }
  return peer_ != nullptr;
}

void EnetConnection::close(double timeout_seconds) {
  if (peer_ == nullptr) return;
  enet_peer_disconnect_later(peer_, 0);
  const double deadline = mono_seconds() + std::max(0.0, timeout_seconds);
  ENetEvent event;
  while (peer_ != nullptr) {
    int rc = enet_host_service(host_, &event, static_cast<enet_uint32>(ms_until(deadline)));
    if (rc > 0 && event.type == ENET_EVENT_TYPE_RECEIVE) enet_packet_destroy(event.packet);
    if (rc > 0 && event.type == ENET_EVENT_TYPE_DISCONNECT) peer_ = nullptr;
    if (rc < 0 || mono_seconds() >= deadline) break;
  }
  if (peer_ != nullptr) {
    enet_peer_reset(peer_);
    peer_ = nullptr;
  }
}

}  // namespace allo::client
