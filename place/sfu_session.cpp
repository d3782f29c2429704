#include "place/sfu_session.hpp"

#include <charconv>
#include <cmath>

#include "common/log.hpp"
#include "place/simulation.hpp"
#include "proto/limits.hpp"
#include "proto/media_packet.hpp"
#include "sfu/direct_token.hpp"

namespace allo::place {

namespace link = proto::sfu_link;
using nlohmann::json;

namespace {
std::span<const uint8_t> as_bytes(const std::string& text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}
}  // namespace

SfuSession::SfuSession(Place& place, const TrackAllocator& tracks, Outbox& to_agents,
                       std::string secret, LinkSend send, UnixClock unix_clock,
                       SfuLinkMetrics* metrics)
    : place_(place),
      tracks_(tracks),
      to_agents_(to_agents),
      secret_(std::move(secret)),
      send_(std::move(send)),
      unix_clock_(std::move(unix_clock)),
      metrics_(metrics) {
  place_.set_channel_handler(
      limits::kChannelMedia,
      [this](Agent& agent, std::span<const uint8_t> data) { handle_agent_media(agent, data); });
  place_.register_command("media_token", [this](Agent& agent, const proto::Interaction& request) {
    handle_media_token(agent, request);
  });
  place_.add_observer(this);
}

std::optional<AgentId> SfuSession::parse_link_agent_id(std::string_view agent) {
  AgentId id = 0;
  auto [end, ec] = std::from_chars(agent.data(), agent.data() + agent.size(), id);
  if (ec != std::errc() || end != agent.data() + agent.size()) return std::nullopt;
  return id;
}

void SfuSession::send_control(const link::PlaceMessage& message) {
  if (!connected_) return;
  send_(link::kLinkControl, as_bytes(link::encode_place_message(message)));
}

void SfuSession::on_link_connected() {
  connected_ = true;
  welcome_.reset();
  send_control(link::Hello{link::kLinkVersion, secret_});
  // Replay: the SFU forgot everything when the previous link dropped.
  for (const auto& [id, agent] : place_.agents()) {
    if (agent.announced) send_control(link::AgentJoined{link_agent_id(id)});
  }
  for (const auto& [id, track] : tracks_.tracks()) on_track_added(track);
  sent_positions_.clear();
  if (auto all = changed_positions(true); !all.agents.empty()) send_control(all);
}

void SfuSession::on_link_lost() {
  if (connected_) log::warn("sfu link down: voice paused until it reconnects");
  connected_ = false;
  welcome_.reset();
  if (socket_lent_ && shared_hooks_.withdraw) shared_hooks_.withdraw();
  socket_lent_ = false;
  place_.remove_place_component("media_service");
  if (metrics_) metrics_->set_link_up(false);
}

void SfuSession::on_link_packet(uint8_t channel, std::span<const uint8_t> bytes) {
  if (channel == link::kLinkMedia) return deliver(bytes);
  if (channel != link::kLinkControl) return;
  auto message =
      link::decode_sfu_message({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
  if (!message) {
    log::warn("sfu link: control message dropped: {} ({})", message.error().code,
              message.error().detail);
    return;
  }
  if (const auto* welcome = std::get_if<link::Welcome>(&*message)) {
    welcome_ = *welcome;
    place_.set_place_component("media_service", {{"direct_endpoint", welcome->direct_endpoint}});
    if (metrics_) metrics_->set_link_up(true);
    log::info("sfu link up: {} workers, direct endpoint {}", welcome->workers,
              welcome->direct_endpoint);
    if (!welcome->relay.empty()) lend_socket(welcome->relay);
  } else if (const auto* load = std::get_if<link::LoadReport>(&*message)) {
    load_ = *load;
    if (metrics_) metrics_->set_load(*load);
  } else if (const auto* groups = std::get_if<link::RouteGroups>(&*message)) {
    for (const auto& [agent, group] : groups->agents) {
      const auto id = parse_link_agent_id(agent);
      auto it = id ? route_groups_.find(*id) : route_groups_.end();
      if (it == route_groups_.end()) continue;
      it->second.floor = group;
      it->second.reported = true;
    }
  }
}

void SfuSession::lend_socket(const std::string& relay) {
  if (!shared_hooks_.lend || socket_lent_) return;
  if (!shared_hooks_.lend(relay, secret_)) return;
  socket_lent_ = true;
  for (const auto& [id, agent] : place_.agents()) {
    if (agent.announced) send_route(agent);
  }
}

void SfuSession::send_route(const Agent& agent) {
  if (!socket_lent_ || !shared_hooks_.route_of) return;
  auto route = shared_hooks_.route_of(agent.id);
  if (!route) return;
  RouteGroups& groups = route_groups_[agent.id];
  // The highest group an SFU may have used for this agent: none before its
  // first route; else past the last report, or past the latest route's first
  // group when that SFU never reported, by what it may send unreported.
  if (!groups.routed) {
    route->first_group = 1;
  } else {
    const uint16_t last = groups.reported ? groups.floor : static_cast<uint16_t>(groups.first - 1);
    route->first_group = static_cast<uint16_t>(last + kRouteGroupMargin + 1);
  }
  groups.routed = true;
  groups.first = route->first_group;
  groups.reported = false;
  send_control(link::AgentRouted{link_agent_id(agent.id), *route});
}

void SfuSession::deliver(std::span<const uint8_t> bytes) {
  auto message = link::parse_media_to_agents(bytes);
  if (!message) {
    log::debug("sfu link: media_to_agents dropped: {}", message.error().code);
    return;
  }
  std::vector<AgentId> ids;
  ids.reserve(message->agents.size());
  for (std::string_view agent : message->agents) {
    const auto id = parse_link_agent_id(agent);
    if (!id) continue;
    if (const Agent* a = place_.agent(*id); a != nullptr && a->announced) ids.push_back(*id);
  }
  if (ids.empty()) return;
  auto shared = std::make_shared<const std::string>(
      reinterpret_cast<const char*>(message->media.data()), message->media.size());
  to_agents_.send_shared(ids, limits::kChannelMedia, shared, false);
}

void SfuSession::handle_agent_media(Agent& agent, std::span<const uint8_t> data) {
  auto packet = proto::parse_media_packet(data);
  if (!packet) return place_.reject(agent, "media_" + packet.error().code, packet.error().detail);
  if (!ready())
    return place_.reject(agent, "media_no_sfu", "media packet dropped: the SFU link is down");
  if (!tracks_.owns(agent.id, packet->track_id)) {
    return place_.reject(agent, "media_not_owner",
                         "media packet on track " + std::to_string(packet->track_id) +
                             ", which this agent does not own");
  }
  send_(link::kLinkMedia, link::encode_media_from_agent(link_agent_id(agent.id), data));
}

void SfuSession::handle_media_token(Agent& agent, const proto::Interaction& request) {
  if (!ready()) {
    return place_.reply_error(agent, request, "media_unavailable",
                              "this place has no media service right now");
  }
  const int64_t expiry = unix_clock_() + sfu::kDirectTokenLifetimeSeconds;
  std::string token = sfu::make_direct_token(secret_, link_agent_id(agent.id), expiry);
  place_.metrics().interaction(proto::to_string(request.type), "media_token", "ok");
  place_.reply(agent, request,
               json::array({"media_token", token, welcome_->direct_endpoint,
                            sfu::kDirectTokenLifetimeSeconds}));
}

void SfuSession::on_agent_announced(const Agent& agent) {
  send_control(link::AgentJoined{link_agent_id(agent.id)});
  send_route(agent);
}

void SfuSession::on_agent_left(const Agent& agent) {
  sent_positions_.erase(agent.id);
  route_groups_.erase(agent.id);
  if (agent.announced) send_control(link::AgentLeft{link_agent_id(agent.id)});
}

void SfuSession::on_track_added(const Track& track) {
  send_control(link::TrackAdded{track.id, link_agent_id(track.owner), track.entity});
}

void SfuSession::on_track_removed(const Track& track) {
  send_control(link::TrackRemoved{track.id});
}

void SfuSession::on_tick(double now) {
  if (!connected_ || now < next_positions_) return;
  next_positions_ = now + 1.0 / kPositionsHz;
  if (auto changed = changed_positions(false); !changed.agents.empty()) send_control(changed);
}

link::Positions SfuSession::changed_positions(bool all) {
  link::Positions out;
  const World& world = place_.world();
  for (const auto& [id, agent] : place_.agents()) {
    if (!agent.announced || agent.avatar.empty() || !world.contains(agent.avatar)) continue;
    const proto::Matrix m = world_transform(world, agent.avatar);
    link::AgentPosition p{link_agent_id(id), static_cast<float>(m[12]), static_cast<float>(m[13]),
                          static_cast<float>(m[14])};
    auto sent = sent_positions_.find(id);
    bool moved = sent == sent_positions_.end() ||
                 std::fabs(sent->second.x - p.x) > kPositionEpsilon ||
                 std::fabs(sent->second.y - p.y) > kPositionEpsilon ||
                 std::fabs(sent->second.z - p.z) > kPositionEpsilon;
    if (!all && !moved) continue;
    sent_positions_[id] = p;
    out.agents.push_back(std::move(p));
  }
  return out;
}

}  // namespace allo::place
