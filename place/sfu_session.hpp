// The place's side of the allo-sfu link protocol, without the socket: what to
// send when the link comes up (hello, then a replay of agents, tracks and
// positions), what to send as agents and tracks come and go, what to do with
// the SFU's messages, and the place-facing features that depend on the link:
//  - channel 3 from agents (compatible path): owner check, then wrapped as
//    media_from_agent; dropped and counted (media_no_sfu) while the link is
//    not ready, media_not_owner for a track the agent does not own;
//  - media_to_agents from the SFU: the media bytes, unchanged, on channel 3
//    to every listed agent (one shared buffer for all of them);
//  - the `media_service` component {"direct_endpoint":"H:P"} on the place
//    entity while the link is ready (after the SFU's welcome);
//  - the place command ["media_token"] -> ["media_token",token,"H:P",expiry]
//    or ["error","media_unavailable",...];
//  - avatar positions at most kPositionsHz, only those that changed;
//  - the shared socket (when hooks are set and the welcome names one): lend
//    the public socket, then agent_route for every announced agent, with the
//    first unsequenced group each SFU incarnation may use (see
//    kRouteGroupMargin), kept from the SFU's route_groups reports.
// The SFU knows an agent by its decimal AgentId. Not thread-safe: event loop only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>

#include "place/outbox.hpp"
#include "place/place.hpp"
#include "place/sfu_link_metrics.hpp"
#include "place/track_allocator.hpp"
#include "proto/sfu_link.hpp"

namespace allo::place {

inline constexpr double kPositionsHz = 5.0;
// Smallest movement (metres, per axis) worth telling the SFU about.
inline constexpr float kPositionEpsilon = 0.01f;
// Unsequenced groups an SFU may use for one agent between two route_groups
// reports (250 ms apart) without the place hearing of them: a new route
// starts this far past the last group reported (or past the last route's
// first group, if that SFU never reported), so a restarted SFU never reuses
// a group the agent's ENet took as seen. It allows 8192 voice frames a
// second to one listener; ENet accepts a group up to 32768 ahead of its
// window, so up to 15 SFU restarts in a row without a report still land.
inline constexpr uint16_t kRouteGroupMargin = 2048;

class SfuSession : public PlaceObserver, public TrackListener {
 public:
  // Hands bytes to the link: channel 0 (reliable control) or 1 (unreliable media).
  using LinkSend = std::function<void(uint8_t channel, std::span<const uint8_t> bytes)>;
  // Unix seconds, for token expiry (injectable for tests).
  using UnixClock = std::function<int64_t()>;
  // The socket layer's side of the shared socket.
  struct SharedSocketHooks {
    // An announced agent's ENet route (first_group unset), or nothing.
    std::function<std::optional<proto::sfu_link::AgentRoute>(AgentId)> route_of;
    // Hands the public socket to the SFU's abstract socket `relay`.
    std::function<bool(const std::string& relay, const std::string& secret)> lend;
    std::function<void()> withdraw;
  };

  // Registers the channel-3 handler, the media_token command and itself as an
  // observer of `place`. `place`, `tracks` (whose listener this should be) and
  // `to_agents` (the place's socket layer) must outlive it. `secret` keys the
  // direct-path tokens (at least 16 bytes). `metrics` (may be null) must
  // outlive it too.
  SfuSession(Place& place, const TrackAllocator& tracks, Outbox& to_agents, std::string secret,
             LinkSend send, UnixClock unix_clock, SfuLinkMetrics* metrics = nullptr);

  // The link is connected: sends hello and replays everything the SFU must know.
  void on_link_connected();
  // The link is gone: voice pauses, the media_service component goes away.
  void on_link_lost();
  // A packet from the SFU. Malformed input is logged and dropped.
  void on_link_packet(uint8_t channel, std::span<const uint8_t> bytes);
  // Connected and welcomed: media flows and tokens are handed out.
  bool ready() const { return welcome_.has_value(); }
  const std::optional<proto::sfu_link::LoadReport>& last_load() const { return load_; }
  void set_shared_socket_hooks(SharedSocketHooks hooks) { shared_hooks_ = std::move(hooks); }
  // The SFU holds the public socket (as far as the place knows).
  bool socket_lent() const { return socket_lent_; }

  // Agent ids as the SFU knows them.
  static std::string link_agent_id(AgentId id) { return std::to_string(id); }
  // The AgentId of a link agent id; nothing unless it is exactly a decimal id.
  static std::optional<AgentId> parse_link_agent_id(std::string_view agent);

  // PlaceObserver
  void on_agent_announced(const Agent& agent) override;
  void on_agent_left(const Agent& agent) override;
  void on_tick(double now) override;
  // TrackListener
  void on_track_added(const Track& track) override;
  void on_track_removed(const Track& track) override;

 private:
  void send_control(const proto::sfu_link::PlaceMessage& message);
  void handle_agent_media(Agent& agent, std::span<const uint8_t> data);
  void handle_media_token(Agent& agent, const proto::Interaction& request);
  void deliver(std::span<const uint8_t> bytes);
  // Positions that changed since they were last sent (all of them when `all`).
  proto::sfu_link::Positions changed_positions(bool all);
  void lend_socket(const std::string& relay);
  void send_route(const Agent& agent);

  // An agent's unsequenced groups across SFU incarnations.
  struct RouteGroups {
    bool routed = false;    // a route was sent (else no group was ever used)
    uint16_t first = 0;     // the first group of the latest route sent
    uint16_t floor = 0;     // the last group reported since then
    bool reported = false;  // a report came after that route
  };

  Place& place_;
  const TrackAllocator& tracks_;
  Outbox& to_agents_;
  std::string secret_;
  LinkSend send_;
  UnixClock unix_clock_;
  SfuLinkMetrics* metrics_;
  bool connected_ = false;
  std::optional<proto::sfu_link::Welcome> welcome_;
  std::optional<proto::sfu_link::LoadReport> load_;
  std::map<AgentId, proto::sfu_link::AgentPosition> sent_positions_;
  SharedSocketHooks shared_hooks_;
  bool socket_lent_ = false;
  std::map<AgentId, RouteGroups> route_groups_;
  double next_positions_ = 0;
};

}  // namespace allo::place
