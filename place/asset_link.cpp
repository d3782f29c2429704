#include "place/asset_link.hpp"

#include <stdexcept>

#include "common/enet_events.hpp"
#include "common/enet_link.hpp"
#include "common/log.hpp"
#include "proto/assetd_link.hpp"
#include "proto/limits.hpp"

namespace allo::place {

AssetLink::AssetLink(PlaceServer& server, Endpoint assetd, prometheus::Registry& registry)
    : server_(server),
      assetd_(std::move(assetd)),
      pacer_(
          limits::kChannelAssets, [&server](AgentId agent) { return server.peer(agent); },
          [this](const AssetPacer::Release& r) {
            // Credits of an earlier link session mean nothing to this assetd.
            if (r.epoch == session_) relay_.credit(r.agent, r.bytes);
          }),
      relay_(server.place(), *this, registry) {
  if (enet_address_set_host(&address_, assetd_.host.c_str()) != 0)
    throw std::runtime_error("assetd: cannot resolve host " + assetd_.host);
  address_.port = assetd_.port;
  host_ = enet_host_create(nullptr, 1, 1, 0, 0);
  if (!host_) throw std::runtime_error("assetd: cannot create the link's ENet host");
  host_->maximumPacketSize = proto::kMaxAssetdLinkMessageBytes;
  enet_link::tune_host(host_, enet_link::is_loopback(address_));
  server_.add_service(this);
  log::info("asset link to {}", assetd_.to_string());
}

AssetLink::~AssetLink() {
  if (peer_) enet_peer_disconnect_now(peer_, 0);
  enet_host_destroy(host_);
}

int AssetLink::socket_fd() const {
  return static_cast<int>(host_->socket);
}

void AssetLink::service(double now) {
  if (state_ == State::kIdle && now >= next_attempt_) start_connect(now);
  if (state_ == State::kConnecting && now >= attempt_deadline_) {
    enet_peer_reset(peer_);  // no answer: try again right away
    peer_ = nullptr;
    state_ = State::kIdle;
    start_connect(now);
  }
  service_events(host_, kMaxAssetdEventsPerService,
                 [&](const ENetEvent& event) { handle(event, now); });
  if (state_ == State::kUp) enet_link::keep_window(peer_);  // before flush() sends
  flush();
}

void AssetLink::flush() {
  pacer_.pump();  // credits for released frames, then frames into ENet
  send_batch();
  enet_host_flush(host_);
}

void AssetLink::start_connect(double now) {
  peer_ = enet_host_connect(host_, &address_, 1, 0);
  if (!peer_) {
    next_attempt_ = now + kAssetdReconnectSeconds;
    return;
  }
  state_ = State::kConnecting;
  attempt_deadline_ = now + kAssetdConnectAttemptSeconds;
}

void AssetLink::handle(const ENetEvent& event, double now) {
  switch (event.type) {
    case ENET_EVENT_TYPE_CONNECT:
      state_ = State::kUp;
      enet_link::tune_peer(peer_);
      enet_peer_timeout(peer_, 0, kAssetdLinkTimeoutMinMs, kAssetdLinkTimeoutMaxMs);
      pacer_.set_epoch(++session_);
      relay_.on_link_up();
      break;
    case ENET_EVENT_TYPE_RECEIVE:
      relay_.on_link_message({event.packet->data, event.packet->dataLength});
      enet_packet_destroy(event.packet);
      break;
    case ENET_EVENT_TYPE_DISCONNECT:
      drop_link(now);
      break;
    case ENET_EVENT_TYPE_NONE:
      break;
  }
}

void AssetLink::drop_link(double now) {
  bool was_up = state_ == State::kUp;
  batch_.clear();
  peer_ = nullptr;
  state_ = State::kIdle;
  next_attempt_ = now + kAssetdReconnectSeconds;
  pacer_.set_epoch(++session_);
  if (was_up) relay_.on_link_down();
}

void AssetLink::send_link(std::vector<uint8_t> message) {
  if (state_ != State::kUp) return;
  if (!proto::LinkBatchWriter::batchable(message)) {
    send_batch();  // keeps the order
    send_packet(message);
    return;
  }
  if (batch_.full_for(message.size())) send_batch();
  batch_.add(message);
}

void AssetLink::send_batch() {
  if (batch_.empty() || state_ != State::kUp) return;
  send_packet(batch_.bytes());
  batch_.clear();
}

void AssetLink::send_packet(std::span<const uint8_t> message) {
  ENetPacket* packet =
      enet_packet_create(message.data(), message.size(), ENET_PACKET_FLAG_RELIABLE);
  if (packet && enet_peer_send(peer_, 0, packet) != 0) enet_packet_destroy(packet);
}

void AssetLink::deliver(AgentId agent, std::span<const uint8_t> frame) {
  pacer_.enqueue(agent, frame);
}

}  // namespace allo::place
