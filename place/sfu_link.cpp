#include "place/sfu_link.hpp"

#include <stdexcept>

#include "common/enet_events.hpp"
#include "common/log.hpp"
#include "proto/sfu_link.hpp"

namespace allo::place {

namespace link = proto::sfu_link;

namespace {
// Link events handled per service() call; the rest wait for the next pass.
constexpr int kMaxLinkEventsPerService = 4096;
}  // namespace

SfuLink::SfuLink(Endpoint sfu, Events events)
    : endpoint_(std::move(sfu)), events_(std::move(events)) {
  if (enet_address_set_host(&address_, endpoint_.host.c_str()) != 0)
    throw std::runtime_error("sfu: cannot resolve host " + endpoint_.host);
  address_.port = endpoint_.port;
  host_ = enet_host_create(nullptr, 1, link::kLinkChannelCount, 0, 0);
  if (!host_) throw std::runtime_error("sfu: cannot create the ENet link host");
  host_->maximumPacketSize = link::kMaxLinkControlBytes + 64;
}

SfuLink::~SfuLink() {
  if (peer_ != nullptr && connected_) enet_peer_disconnect_now(peer_, 0);
  enet_host_destroy(host_);
}

int SfuLink::socket_fd() const {
  return static_cast<int>(host_->socket);
}

void SfuLink::start_attempt(double now) {
  peer_ = enet_host_connect(host_, &address_, link::kLinkChannelCount, 0);
  if (peer_ == nullptr) {
    next_attempt_ = now + kSfuReconnectSeconds;
    return;
  }
  // A local link: declare it dead after 1-2 s without acknowledgements.
  enet_peer_timeout(peer_, 8, 1000, 2000);
  enet_peer_ping_interval(peer_, 250);
  attempt_deadline_ = now + kSfuReconnectSeconds;
}

void SfuLink::service(double now) {
  if (peer_ == nullptr && now >= next_attempt_) start_attempt(now);
  if (peer_ != nullptr && !connected_ && now >= attempt_deadline_) {
    // Unanswered: start over rather than wait for ENet's own backoff.
    if (!warned_unreachable_) {
      log::warn("sfu link: {} does not answer; retrying every {} s", endpoint_.to_string(),
                kSfuReconnectSeconds);
      warned_unreachable_ = true;
    }
    enet_peer_reset(peer_);
    peer_ = nullptr;
    start_attempt(now);
  }
  service_events(host_, kMaxLinkEventsPerService,
                 [&](const ENetEvent& event) { handle(event, now); });
}

void SfuLink::handle(const ENetEvent& event, double now) {
  switch (event.type) {
    case ENET_EVENT_TYPE_CONNECT:
      if (event.peer != peer_) break;
      connected_ = true;
      warned_unreachable_ = false;
      log::info("sfu link connected to {}", endpoint_.to_string());
      events_.connected();
      break;
    case ENET_EVENT_TYPE_RECEIVE:
      if (event.peer == peer_ && connected_)
        events_.packet(event.channelID, {event.packet->data, event.packet->dataLength});
      enet_packet_destroy(event.packet);
      break;
    case ENET_EVENT_TYPE_DISCONNECT: {
      if (event.peer != peer_) break;
      const bool was_connected = connected_;
      connected_ = false;
      peer_ = nullptr;
      next_attempt_ = now + kSfuReconnectSeconds / 2;
      if (was_connected) events_.lost();
      break;
    }
    case ENET_EVENT_TYPE_NONE:
      break;
  }
}

void SfuLink::send(uint8_t channel, std::span<const uint8_t> bytes) {
  if (!connected_ || peer_ == nullptr) return;
  const bool control = channel == link::kLinkControl;
  ENetPacket* packet =
      enet_packet_create(bytes.data(), bytes.size(), control ? ENET_PACKET_FLAG_RELIABLE : 0);
  if (packet == nullptr) return;
  if (enet_peer_send(peer_, channel, packet) != 0) enet_packet_destroy(packet);
}

void SfuLink::flush() {
  enet_host_flush(host_);
}

}  // namespace allo::place
