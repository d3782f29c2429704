#include "place/place.hpp"

#include <chrono>

#include "common/log.hpp"
#include "proto/asset_frame.hpp"
#include "proto/clock.hpp"
#include "proto/intent.hpp"
#include "proto/json_frame.hpp"
#include "proto/limits.hpp"
#include "proto/media_packet.hpp"

namespace allo::place {

using nlohmann::json;

namespace {
std::string_view as_text(std::span<const uint8_t> data) {
  return {reinterpret_cast<const char*>(data.data()), data.size()};
}
}  // namespace

Place::Place(PlaceOptions options, Outbox& out, PlaceMetrics& metrics, double now)
    : options_(std::move(options)),
      out_(out),
      metrics_(metrics),
      history_(StateHistoryLimits{}),
      place_components_(json::object()),
      start_time_(now),
      last_tick_(now),
      rng_(std::random_device{}()) {
  place_components_["clock"] = {{"time", 0.0}};
  world_.put("place", kPlaceAgent, place_components_);
  history_.push(*world_.commit(), now);
  register_builtin_commands();
}

const Agent* Place::agent(AgentId id) const {
  auto it = agents_.find(id);
  return it == agents_.end() ? nullptr : &it->second;
}

void Place::register_command(const std::string& name, CommandHandler handler) {
  commands_[name] = std::move(handler);
}

void Place::set_place_component(const std::string& name, json value) {
  place_components_[name] = std::move(value);
}

void Place::remove_place_component(const std::string& name) {
  place_components_.erase(name);
}

bool Place::set_entity_component(const std::string& entity, const std::string& name, json value) {
  const auto* rec = world_.find(entity);
  if (!rec) return false;
  json components = rec->value->components();
  components[name] = std::move(value);
  world_.put(entity, rec->owner, std::move(components));
  return true;
}

void Place::set_channel_handler(uint8_t channel, ChannelHandler handler) {
  channel_handlers_[channel] = std::move(handler);
}

Agent* Place::mutable_agent(AgentId id) {
  auto it = agents_.find(id);
  return it == agents_.end() ? nullptr : &it->second;
}

void Place::on_connect(AgentId id, double now) {
  Agent a;
  a.id = id;
  a.connected_at = now;
  agents_[id] = std::move(a);
  metrics_.agents_connected.Set(static_cast<double>(agents_.size()));
  log::info("agent {} connected", id);
}

void Place::on_disconnect(AgentId id) {
  auto it = agents_.find(id);
  if (it == agents_.end()) return;
  Agent& a = it->second;
  for (auto* o : observers_) o->on_agent_left(a);
  // Every entity the agent owned goes, with its children.
  std::vector<std::string> owned(a.owned.begin(), a.owned.end());
  for (const auto& eid : owned) {
    if (world_.contains(eid)) remove_entity(eid, /*cascade=*/true);
  }
  fail_pending_for(id, "recipient_gone");
  drop_pending_from(id);
  log::info("agent {} disconnected ({} entities removed)", id, owned.size());
  agents_.erase(it);
  metrics_.agents_connected.Set(static_cast<double>(agents_.size()));
  size_t announced = 0;
  for (const auto& [aid, ag] : agents_) announced += ag.announced ? 1 : 0;
  metrics_.agents_announced.Set(static_cast<double>(announced));
}

void Place::on_packet(AgentId id, uint8_t channel, std::span<const uint8_t> data, double now) {
  auto it = agents_.find(id);
  if (it == agents_.end()) return;
  Agent& agent = it->second;
  if (auto h = channel_handlers_.find(channel); h != channel_handlers_.end())
    return h->second(agent, data);
  switch (channel) {
    case limits::kChannelState:
      return handle_intent(agent, data);
    case limits::kChannelCommands:
      return handle_command_packet(agent, data, now);
    case limits::kChannelAssets:
      return handle_asset(agent, data);
    case limits::kChannelMedia:
      return handle_media(agent, data);
    case limits::kChannelClock:
      return handle_clock(agent, data, now);
    default:
      return reject(agent, "unknown_channel", "packet on channel " + std::to_string(channel));
  }
}

void Place::reject(Agent& agent, std::string_view reason, const std::string& detail) {
  metrics_.rejected(reason);
  if (agent.warned.insert(std::string(reason)).second) {
    log::warn("agent {}: {}: {} (further '{}' from this agent logged at debug)", agent.id, reason,
              detail, reason);
  } else {
    log::debug("agent {}: {}: {}", agent.id, reason, detail);
  }
}

void Place::handle_intent(Agent& agent, std::span<const uint8_t> data) {
  auto doc = proto::decode_json(as_text(data), limits::kMaxIntentBytes, limits::kMaxJsonDepth);
  if (!doc) return reject(agent, doc.error().code, "intent: " + doc.error().detail);
  auto intent = proto::parse_intent(*doc);
  if (!intent) return reject(agent, intent.error().code, intent.error().detail);
  metrics_.intents.Increment();
  agent.acked_revision = intent->ack_state_rev;
  agent.intent = std::move(*intent);
}

void Place::handle_clock(Agent& agent, std::span<const uint8_t> data, double now) {
  auto doc = proto::decode_json(as_text(data), limits::kMaxClockBytes, 4);
  if (!doc) return reject(agent, doc.error().code, "clock: " + doc.error().detail);
  auto req = proto::parse_clock_request(*doc);
  if (!req) return reject(agent, req.error().code, req.error().detail);
  out_.send(agent.id, limits::kChannelClock,
            proto::encode_json(proto::clock_reply(*req, now - start_time_)), false);
  metrics_.clock_replies.Increment();
}

void Place::handle_asset(Agent& agent, std::span<const uint8_t> data) {
  // Without an asset service, requests get a clear failure; other frames are dropped.
  auto frame = proto::parse_asset_frame(data);
  if (!frame) return reject(agent, "asset_" + frame.error().code, frame.error().detail);
  if (frame->mid != proto::AssetMid::kRequest)
    return reject(agent, "asset_service_unavailable", "asset frame dropped");
  auto request = proto::parse_asset_request(*frame);
  std::string id = request ? request->id : "";
  out_.send(
      agent.id, limits::kChannelAssets,
      [&] {
        auto bytes = proto::encode_asset_failure(
            {id, "this place has no asset service", "asset_service_unavailable"});
        return std::string(bytes.begin(), bytes.end());
      }(),
      true);
  metrics_.rejected("asset_service_unavailable");
}

void Place::handle_media(Agent& agent, std::span<const uint8_t> data) {
  auto packet = proto::parse_media_packet(data);
  if (!packet) return reject(agent, "media_" + packet.error().code, packet.error().detail);
  reject(agent, "media_no_sfu", "media packet dropped: this place has no media service");
}

void Place::handle_command_packet(Agent& agent, std::span<const uint8_t> data, double now) {
  auto doc = proto::decode_json(as_text(data), limits::kMaxPacketBytes, limits::kMaxJsonDepth);
  if (!doc) return reply_error_raw(agent, json(), doc.error().code, doc.error().detail);
  auto interaction = proto::parse_interaction(*doc);
  if (!interaction)
    return reply_error_raw(agent, *doc, interaction.error().code, interaction.error().detail);
  route(agent, *interaction, now);
}

void Place::send_interaction(AgentId to, const proto::Interaction& interaction) {
  out_.send(to, limits::kChannelCommands, proto::encode_json(proto::to_json(interaction)), true);
}

void Place::reply(Agent& agent, const proto::Interaction& request, json body) {
  if (request.type != proto::InteractionType::kRequest) return;  // oneways get no answer
  send_interaction(agent.id, proto::make_response(request, std::move(body)));
}

void Place::reply_error(Agent& agent, const proto::Interaction& request, std::string_view code,
                        std::string detail) {
  metrics_.interaction(proto::to_string(request.type), request.name(), code);
  reject(agent, code, std::string(request.name()) + ": " + detail);
  proto::Interaction answer{proto::InteractionType::kOneway,
                            request.to.empty() ? "place" : request.to, request.from, "",
                            proto::error_body(code, detail)};
  if (request.type == proto::InteractionType::kRequest) {
    answer = proto::make_response(request, proto::error_body(code, detail));
  }
  send_interaction(agent.id, answer);
}

// An error for a packet that did not parse as an interaction: answered as a
// response when a request id can be read from it, else as a oneway from "place".
void Place::reply_error_raw(Agent& agent, const json& doc, std::string_view code,
                            std::string detail) {
  reject(agent, code, detail);
  metrics_.interaction("unknown", "other", code);
  auto field = [&](size_t i) -> std::string {
    if (doc.is_array() && doc.size() > i && doc[i].is_string() &&
        doc[i].get_ref<const std::string&>().size() <= limits::kMaxIdLength) {
      return doc[i].get<std::string>();
    }
    return "";
  };
  std::string request_id = field(4);
  bool is_request = field(1) == "request" && !request_id.empty();
  std::string to = field(3);
  proto::Interaction answer{
      is_request ? proto::InteractionType::kResponse : proto::InteractionType::kOneway,
      to.empty() ? "place" : to, field(2), is_request ? request_id : "",
      proto::error_body(code, detail)};
  send_interaction(agent.id, answer);
}

void Place::prune(double now) {
  std::vector<AgentId> late;
  for (const auto& [id, a] : agents_) {
    if (!a.announced && now - a.connected_at > options_.announce_timeout) late.push_back(id);
  }
  for (AgentId id : late) {
    reject(agents_.at(id), "announce_timeout",
           "did not announce within the deadline; disconnecting");
    out_.disconnect(id);
  }
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.expires_at > now) {
      ++it;
      continue;
    }
    if (auto req = agents_.find(it->second.requester); req != agents_.end()) {
      req->second.pending_requests--;
      send_interaction(req->first,
                       {proto::InteractionType::kResponse, it->second.responder_entity,
                        it->first.requester_entity, it->first.request_id,
                        proto::error_body("timeout", "no response from the recipient in time")});
    }
    metrics_.rejected("request_timeout");
    it = pending_.erase(it);
  }
  metrics_.pending_requests.Set(static_cast<double>(pending_.size()));
}

void Place::tick(double now) {
  auto started = std::chrono::steady_clock::now();
  prune(now);
  std::map<AgentId, AgentIntent> intents;
  for (auto& [id, a] : agents_) {
    if (a.announced && a.intent) intents[id] = AgentIntent{id, a.avatar, &*a.intent, &a.last_yaw};
  }
  double dt = std::clamp(now - last_tick_, 0.0, 0.25);
  last_tick_ = now;
  simulation_.step(world_, intents, dt);
  place_components_["clock"] = {{"time", now - start_time_}};
  world_.put("place", kPlaceAgent, place_components_);
  if (auto delta = world_.commit()) {
    for (auto* o : observers_) o->on_revision(*delta, world_);
    history_.push(std::move(*delta), now);
  }
  send_state();
  metrics_.entities.Set(static_cast<double>(world_.size()));
  metrics_.revision.Set(static_cast<double>(world_.revision()));
  metrics_.tick_duration.Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

void Place::send_state() {
  encoder_.begin_tick(world_, history_);
  // Clients grouped by the revision their patch starts from (0: the full
  // set), each with its flow-control verdict; held clients get nothing.
  std::map<uint64_t, std::vector<std::pair<Agent*, StateFlow::Verdict>>> by_base;
  size_t held = 0;
  for (auto& [id, a] : agents_) {
    if (!a.announced) continue;
    auto verdict = a.state_flow.check(a.acked_revision, history_.committed_at(a.acked_revision),
                                      last_tick_, options_.state_flow);
    if (verdict == StateFlow::Verdict::kHold) {
      ++held;
      continue;
    }
    uint64_t base = a.state_flow.may_patch_from(a.acked_revision) ? a.acked_revision : 0;
    by_base[base].emplace_back(&a, verdict);
  }
  size_t probes = 0;
  std::vector<AgentId> ids;
  for (const auto& [base, group] : by_base) {
    auto bytes = encoder_.message_for(base);
    if (!bytes) continue;
    ids.clear();
    for (auto [agent, verdict] : group) {
      ids.push_back(agent->id);
      agent->state_flow.sent(world_.revision(), last_tick_, verdict);
      if (verdict == StateFlow::Verdict::kProbe) ++probes;
    }
    out_.send_shared(ids, limits::kChannelState, bytes, false);
    bool full = encoder_.is_full_set(bytes);
    metrics_.state_sent(full, bytes->size() * ids.size(), ids.size());
  }
  metrics_.state_flow(held, probes);
  metrics_.state_patches_built.Increment(
      static_cast<double>(encoder_.stats().patches_built + encoder_.stats().sets_built));
  for (auto* o : observers_) o->on_tick(last_tick_);
}

}  // namespace allo::place
