#include "assetd/link_server.hpp"

#include <algorithm>
#include <climits>

#include "common/enet_events.hpp"
#include "common/enet_link.hpp"
#include "common/log.hpp"

namespace allo::assetd {

namespace {
constexpr size_t kMaxLinkPeers = 4;
constexpr size_t kLinkChannels = 2;
}  // namespace

proto::Result<std::unique_ptr<LinkServer>> LinkServer::open(const Endpoint& endpoint,
                                                            Listener& listener) {
  ENetAddress address{};
  if (enet_address_set_host(&address, endpoint.host.c_str()) != 0) {
    return proto::fail("bind", "cannot resolve link host " + endpoint.host);
  }
  address.port = endpoint.port;
  ENetHost* host = enet_host_create(&address, kMaxLinkPeers, kLinkChannels, 0, 0);
  if (host == nullptr)
    return proto::fail("bind", "cannot bind the link on " + endpoint.to_string());
  enet_link::tune_host(host, enet_link::is_loopback(address));
  return std::unique_ptr<LinkServer>(new LinkServer(host, listener));
}

LinkServer::~LinkServer() {
  drop_waiting();
  if (place_ != nullptr) enet_peer_disconnect_now(place_, 0);
  enet_host_destroy(host_);  // releases what ENet held (on_packet_freed)
}

void LinkServer::on_packet_freed(ENetPacket* packet) {
  // userData is set only while the packet is ENet's (see pump()).
  if (auto* self = static_cast<LinkServer*>(packet->userData))
    self->in_enet_ -= std::min(self->in_enet_, packet->dataLength);
}

void LinkServer::drop_waiting() {
  batch_.clear();
  for (ENetPacket* packet : waiting_) enet_packet_destroy(packet);
  waiting_.clear();
}

void LinkServer::pump() {
  while (place_ != nullptr && !waiting_.empty() && in_enet_ < kLinkBytesInEnet) {
    ENetPacket* packet = waiting_.front();
    waiting_.pop_front();
    packet->userData = this;
    if (enet_peer_send(place_, 0, packet) != 0) {
      packet->userData = nullptr;
      enet_packet_destroy(packet);
      continue;
    }
    in_enet_ += packet->dataLength;
  }
}

void LinkServer::poll(uint32_t timeout_ms, size_t max_events) {
  // Acknowledgements free budget without an event: while messages wait,
  // come back within a millisecond to move them into ENet.
  if (!waiting_.empty()) timeout_ms = std::min<uint32_t>(timeout_ms, 1);
  service_events(
      host_, static_cast<int>(std::min<size_t>(max_events, INT_MAX)),
      [this](ENetEvent& event) { handle(event); }, timeout_ms);
  enet_link::keep_window(place_);  // before anything is sent on it
}

void LinkServer::handle(ENetEvent& event) {
  switch (event.type) {
    case ENET_EVENT_TYPE_CONNECT:
      if (place_ != nullptr) {
        log::warn("a new place connection replaces the old one");
        drop_waiting();
        enet_peer_disconnect_now(place_, 0);
        place_ = nullptr;
        listener_.on_link_disconnected();
      }
      place_ = event.peer;
      in_enet_ = 0;
      enet_link::tune_peer(place_);
      log::info("place connected to the link");
      listener_.on_link_connected();
      break;
    case ENET_EVENT_TYPE_DISCONNECT:
      if (event.peer == place_) {
        drop_waiting();
        place_ = nullptr;
        log::info("place disconnected from the link");
        listener_.on_link_disconnected();
      }
      break;
    case ENET_EVENT_TYPE_RECEIVE: {
      if (event.peer == place_ && event.channelID == 0) {
        auto messages = proto::parse_link_packet({event.packet->data, event.packet->dataLength});
        if (messages) {
          for (const auto& m : *messages) listener_.on_link_message(m);
        } else {
          log::debug("bad link message: {}", messages.error().detail);
          listener_.on_link_rejected(messages.error().code);
        }
      } else {
        listener_.on_link_rejected("wrong_channel_or_peer");
      }
      enet_packet_destroy(event.packet);
      break;
    }
    case ENET_EVENT_TYPE_NONE:
      break;
  }
}

bool LinkServer::send(std::span<const uint8_t> message) {
  if (place_ == nullptr) return false;
  if (!proto::LinkBatchWriter::batchable(message)) {
    close_batch();  // keeps the order
    queue_packet(message);
    pump();
    return true;
  }
  if (batch_.full_for(message.size())) close_batch();
  batch_.add(message);
  return true;
}

void LinkServer::close_batch() {
  if (batch_.empty()) return;
  queue_packet(batch_.bytes());
  batch_.clear();
}

void LinkServer::queue_packet(std::span<const uint8_t> message) {
  ENetPacket* packet =
      enet_packet_create(message.data(), message.size(), ENET_PACKET_FLAG_RELIABLE);
  if (packet == nullptr) {
    log::error("link: cannot allocate a {} byte packet; message dropped", message.size());
    return;
  }
  packet->freeCallback = on_packet_freed;
  waiting_.push_back(packet);
}

void LinkServer::flush() {
  close_batch();
  pump();
  enet_host_flush(host_);
}

}  // namespace allo::assetd
