#include "allo/voice_direct_link.hpp"

#include <algorithm>
#include <cmath>

#include "allo/voice_place_replies.hpp"
#include "common/mono_clock.hpp"
#include "enet_connection.hpp"
#include "proto/limits.hpp"
#include "proto/sfu_link.hpp"

namespace allo::client {
namespace {

// Most packets handled per service() call, so one call never starves the caller.
constexpr size_t kMaxPacketsPerService = 1024;

}  // namespace

VoiceDirectLink::VoiceDirectLink(std::unique_ptr<EnetConnection> connection, std::string agent)
    : connection_(std::move(connection)), agent_(std::move(agent)) {
  connection_->stamp_arrivals(limits::kChannelMedia);
}

VoiceDirectLink::~VoiceDirectLink() = default;

proto::Result<std::unique_ptr<VoiceDirectLink>> VoiceDirectLink::open(const Endpoint& endpoint,
                                                                      const std::string& token,
                                                                      double timeout_seconds) {
  const double deadline = mono_seconds() + std::max(0.0, timeout_seconds);
  auto connection = EnetConnection::open(endpoint, timeout_seconds);
  if (!connection) return std::unexpected(connection.error());
  const std::string hello = proto::sfu_link::encode_direct_hello({token});
  if (!(*connection)->send(limits::kChannelState, hello, true)) {
    return proto::fail("closed", "the SFU closed the connection before the hello");
  }
  (*connection)->flush();
  std::vector<EnetConnection::Packet> packets;
  while (mono_seconds() < deadline) {
    const int left_ms = static_cast<int>(std::ceil((deadline - mono_seconds()) * 1000));
    const bool alive =
        (*connection)->service(std::min(left_ms, 10), kMaxPacketsPerService, packets);
    for (const auto& packet : packets) {
      if (packet.channel != limits::kChannelState) continue;
      auto agent = parse_direct_reply(packet.data);
      if (!agent) return std::unexpected(agent.error());
      return std::unique_ptr<VoiceDirectLink>(
          new VoiceDirectLink(std::move(*connection), std::move(*agent)));
    }
    packets.clear();
    if (!alive) return proto::fail("closed", "the SFU closed the connection before a welcome");
  }
  return proto::fail("hello_timeout", "no welcome from " + endpoint.to_string());
}

bool VoiceDirectLink::connected() const {
  return connection_ && connection_->connected();
}

int VoiceDirectLink::socket_fd() const {
  return connection_ ? connection_->socket_fd() : -1;
}

bool VoiceDirectLink::send_media(std::span<const uint8_t> packet) {
  if (!connected()) return false;
  std::string_view bytes(reinterpret_cast<const char*>(packet.data()), packet.size());
  if (!connection_->send(limits::kChannelMedia, bytes, false)) return false;
  connection_->flush();
  return true;
}

bool VoiceDirectLink::service(int timeout_ms, std::vector<Received>& out) {
  if (!connected()) return false;
  std::vector<EnetConnection::Packet> packets;
  const bool alive = connection_->service(timeout_ms, kMaxPacketsPerService, packets);
  for (auto& packet : packets) {
    if (packet.channel == limits::kChannelMedia)
      out.push_back({std::move(packet.data), packet.arrival});
  }
  connection_->flush();
  return alive;
}

bool VoiceDirectLink::service(int timeout_ms, std::vector<std::string>& out) {
  std::vector<Received> received;
  const bool alive = service(timeout_ms, received);
  for (auto& r : received) out.push_back(std::move(r.packet));
  return alive;
}

void VoiceDirectLink::close(double timeout_seconds) {
  if (connection_) connection_->close(timeout_seconds);
}

}  // namespace allo::client
