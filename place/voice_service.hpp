// Voice for a place: the track allocator (always: visors see live_media even
// without an SFU), the SFU session (channel 3, media_token, link protocol) and,
// when an SFU endpoint is configured, the ENet link to it, serviced by the
// server's loop. Construct after the PlaceServer and keep it alive until
// run() returns. Event-loop thread only. Throws std::runtime_error on a
// start-up failure of the link (see SfuLink).
#pragma once

#include <memory>
#include <optional>

#include "common/address.hpp"
#include "place/place_server.hpp"
#include "place/sfu_link.hpp"
#include "place/sfu_link_metrics.hpp"
#include "place/sfu_session.hpp"
#include "place/socket_lender.hpp"
#include "place/track_allocator.hpp"

namespace allo::place {

// Bytes of randomness in the secret the place shares with the SFU.
inline constexpr size_t kSfuSecretBytes = 32;

class VoiceService : public TrackListener {
 public:
  // `registry` (the place's Prometheus registry) must outlive it.
  VoiceService(PlaceServer& server, const std::optional<Endpoint>& sfu,
               prometheus::Registry& registry);

  const TrackAllocator& tracks() const { return *tracks_; }
  const SfuSession& session() const { return *session_; }

  // TrackListener: forwards to the session.
  void on_track_added(const Track& track) override { session_->on_track_added(track); }
  void on_track_removed(const Track& track) override { session_->on_track_removed(track); }

 private:
  SfuLinkMetrics metrics_;
  std::unique_ptr<TrackAllocator> tracks_;
  std::unique_ptr<SfuSession> session_;
  std::unique_ptr<SocketLender> lender_;
  std::unique_ptr<SfuLink> link_;
};

// The route the SFU needs to write datagrams to a connected peer on the
// shared socket (first_group unset); nothing for a peer not connected.
std::optional<proto::sfu_link::AgentRoute> enet_route(const ENetPeer* peer);

}  // namespace allo::place
