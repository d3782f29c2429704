#include "fake_place.hpp"

#include <stdexcept>

#include "proto/json_frame.hpp"

namespace allo::client::testing {

FakePlace::FakePlace(Handler handler) : handler_(std::move(handler)) {
  enet_initialize();
  ENetAddress address{};
  enet_address_set_host(&address, "127.0.0.1");
  address.port = 0;
  host_ = enet_host_create(&address, 4, 5, 0, 0);
  if (host_ == nullptr) throw std::runtime_error("FakePlace: enet_host_create failed");
  ENetAddress bound{};
  enet_socket_get_address(host_->socket, &bound);
  port_ = bound.port;
  thread_ = std::thread([this] { run(); });
}

FakePlace::~FakePlace() {
  stop_ = true;
  thread_.join();
  enet_host_destroy(host_);
}

std::string FakePlace::url() const {
  return "alloplace://127.0.0.1:" + std::to_string(port_);
}

void FakePlace::send(uint8_t channel, const json& doc, bool reliable) {
  std::lock_guard lock(mutex_);
  outbox_.push_back({channel, proto::encode_json(doc), reliable});
}

void FakePlace::kick() {
  kick_ = true;
}

std::vector<FakePlace::Received> FakePlace::received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

void FakePlace::run() {
  ENetPeer* peer = nullptr;
  while (!stop_) {
    ENetEvent event;
    while (enet_host_service(host_, &event, 5) > 0) {
      if (event.type == ENET_EVENT_TYPE_CONNECT) {
        peer = event.peer;
        peer_connected_ = true;
      } else if (event.type == ENET_EVENT_TYPE_DISCONNECT) {
        peer = nullptr;
        peer_connected_ = false;
      } else if (event.type == ENET_EVENT_TYPE_RECEIVE) {
        std::string raw(reinterpret_cast<const char*>(event.packet->data),
                        event.packet->dataLength);
        Received r{event.channelID, raw, proto::decode_json(raw, 1 << 20, 32).value_or(json())};
        enet_packet_destroy(event.packet);
        {
          std::lock_guard lock(mutex_);
          received_.push_back(r);
        }
        if (handler_) handler_(*this, r);
      }
    }
    std::vector<Outgoing> out;
    {
      std::lock_guard lock(mutex_);
      out.swap(outbox_);
    }
    for (auto& o : out) {
      if (peer == nullptr) continue;
      enet_peer_send(peer, o.channel,
                     enet_packet_create(o.bytes.data(), o.bytes.size(),
                                        o.reliable ? ENET_PACKET_FLAG_RELIABLE : 0));
    }
    if (kick_.exchange(false) && peer != nullptr) enet_peer_disconnect(peer, 0);
    enet_host_flush(host_);
  }
}

}  // namespace allo::client::testing
