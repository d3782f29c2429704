#include "place/voice_service.hpp"

#include <enet/enet.h>

#include <chrono>
#include <stdexcept>

#include "common/log.hpp"
#include "sfu/direct_token.hpp"
#include "sfu/enet_datagram.hpp"

namespace allo::place {

std::optional<proto::sfu_link::AgentRoute> enet_route(const ENetPeer* peer) {
  if (peer == nullptr || peer->state != ENET_PEER_STATE_CONNECTED ||
      peer->outgoingPeerID >= ENET_PROTOCOL_MAXIMUM_PEER_ID) {
    return std::nullopt;
  }
  proto::sfu_link::AgentRoute route;
  route.ipv4 = ntohl(peer->address.host);  // ENet keeps it in network order
  route.port = peer->address.port;
  route.header_peer = sfu::header_peer_of(*peer);
  route.mtu = static_cast<uint16_t>(peer->mtu);
  return route;
}

VoiceService::VoiceService(PlaceServer& server, const std::optional<Endpoint>& sfu,
                           prometheus::Registry& registry)
    : metrics_(registry) {
  Place& place = server.place();
  tracks_ = std::make_unique<TrackAllocator>(place, this);
  session_ = std::make_unique<SfuSession>(
      place, *tracks_, server, sfu::random_hex(kSfuSecretBytes),
      [this](uint8_t channel, std::span<const uint8_t> bytes) {
        if (link_) link_->send(channel, bytes);
      },
      [] {
        return std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
      },
      &metrics_);
  if (!sfu) return;
  lender_ = std::make_unique<SocketLender>(server.public_socket());
  session_->set_shared_socket_hooks(
      SfuSession::SharedSocketHooks{[&server](AgentId id) { return enet_route(server.peer(id)); },
                                    [this](const std::string& relay, const std::string& secret) {
                                      return lender_->lend(relay, secret);
                                    },
                                    [this] { lender_->withdraw(); }});
  link_ = std::make_unique<SfuLink>(
      *sfu, SfuLink::Events{[this] { session_->on_link_connected(); },
                            [this] { session_->on_link_lost(); },
                            [this](uint8_t channel, std::span<const uint8_t> bytes) {
                              session_->on_link_packet(channel, bytes);
                            }});
  server.add_service(link_.get());
  log::info("voice: SFU link to {}", sfu->to_string());
}

}  // namespace allo::place
