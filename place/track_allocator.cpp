#include "place/track_allocator.hpp"

#include "common/log.hpp"

namespace allo::place {

using nlohmann::json;

namespace {

proto::Error invalid(std::string detail) {
  return {"invalid_request", std::move(detail)};
}

json live_media_component(uint32_t track) {
  return {{"track_id", track}, {"sample_rate", 48000}, {"channel_count", 1}, {"format", "opus"}};
}

// The track id in an entity's live_media component, or 0.
uint32_t live_media_track(const json& components) {
  auto it = components.find("live_media");
  if (it == components.end() || !it->is_object()) return 0;
  auto id = it->find("track_id");
  return id != it->end() && id->is_number_unsigned() ? id->get<uint32_t>() : 0;
}

}  // namespace

proto::Result<MediaFormat> parse_allocate_track(const json& body) {
  if (!body.is_array() || body.size() < 2 || !body[1].is_string())
    return std::unexpected(invalid("allocate_track needs a media type"));
  MediaFormat media;
  media.media_type = body[1].get<std::string>();
  if (body.size() >= 5 && body[2].is_number() && body[3].is_number()) {
    // Seed form: [name, media_type, sample_rate, channel_count, format].
    if (!body[2].is_number_integer() || !body[3].is_number_integer())
      return std::unexpected(invalid("sample rate and channel count must be integers"));
    if (!body[4].is_string()) return std::unexpected(invalid("media format must be a string"));
    media.sample_rate = body[2].get<int64_t>();
    media.channel_count = body[3].get<int64_t>();
    media.format = body[4].get<std::string>();
    return media;
  }
  // Newer form: [name, media_type, format, {metadata}]; metadata optional.
  if (body.size() < 3 || !body[2].is_string())
    return std::unexpected(invalid("allocate_track needs a media format"));
  media.format = body[2].get<std::string>();
  media.sample_rate = 48000;
  media.channel_count = 1;
  if (body.size() >= 4 && !body[3].is_null()) {
    if (!body[3].is_object()) return std::unexpected(invalid("metadata must be an object"));
    const json& meta = body[3];
    for (auto [key, field] : {std::pair{"sample_rate", &media.sample_rate},
                              std::pair{"channel_count", &media.channel_count}}) {
      auto it = meta.find(key);
      if (it == meta.end()) continue;
      if (!it->is_number_integer())
        return std::unexpected(invalid(std::string(key) + " must be an integer"));
      *field = it->get<int64_t>();
    }
  }
  return media;
}

std::string unsupported_media_reason(const MediaFormat& media) {
  if (media.media_type != "audio") return "only audio tracks are supported";
  if (media.format != "opus") return "only the opus audio format is supported";
  if (media.sample_rate != 48000) return "only a sample rate of 48000 is supported";
  if (media.channel_count != 1) return "only mono (1 channel) audio is supported";
  return "";
}

TrackAllocator::TrackAllocator(Place& place, TrackListener* listener)
    : place_(place), listener_(listener) {
  place_.register_command("allocate_track", [this](Agent& a, const proto::Interaction& request) {
    handle_allocate(a, request);
  });
  place_.add_observer(this);
}

const Track* TrackAllocator::find(uint32_t id) const {
  auto it = tracks_.find(id);
  return it == tracks_.end() ? nullptr : &it->second;
}

bool TrackAllocator::owns(AgentId agent, uint32_t track) const {
  const Track* t = find(track);
  return t != nullptr && t->owner == agent;
}

void TrackAllocator::fail(Agent& agent, const proto::Interaction& request,
                          const std::string& reason) {
  place_.metrics().interaction(proto::to_string(request.type), "allocate_track", "failed");
  place_.reject(agent, "allocate_track_failed", reason);
  place_.reply(agent, request, json::array({"allocate_track", "failed", reason}));
}

void TrackAllocator::handle_allocate(Agent& agent, const proto::Interaction& request) {
  auto media = parse_allocate_track(request.body);
  if (!media) return fail(agent, request, media.error().detail);
  if (auto reason = unsupported_media_reason(*media); !reason.empty())
    return fail(agent, request, reason);
  // The routing layer has checked that the agent owns request.from.
  const std::string& entity = request.from;
  uint32_t id = 0;
  if (auto existing = by_entity_.find(entity); existing != by_entity_.end()) {
    id = existing->second;
  } else {
    size_t held = 0;
    for (const auto& [tid, t] : tracks_) held += t.owner == agent.id ? 1 : 0;
    if (held >= kMaxTracksPerAgent)
      return fail(agent, request,
                  "an agent may hold at most " + std::to_string(kMaxTracksPerAgent) + " tracks");
    id = next_free_id();
    tracks_[id] = Track{id, agent.id, entity};
    by_entity_[entity] = id;
    log::info("agent {}: track {} allocated for entity {}", agent.id, id, entity);
    if (listener_) listener_->on_track_added(tracks_[id]);
  }
  place_.set_entity_component(entity, "live_media", live_media_component(id));
  place_.metrics().interaction(proto::to_string(request.type), "allocate_track", "ok");
  place_.reply(agent, request, json::array({"allocate_track", "ok", id}));
}

uint32_t TrackAllocator::next_free_id() {
  // Ids are not reused until the 32-bit counter wraps; 0 is never used.
  while (next_id_ == 0 || tracks_.contains(next_id_)) ++next_id_;
  return next_id_++;
}

void TrackAllocator::release(uint32_t id) {
  auto it = tracks_.find(id);
  if (it == tracks_.end()) return;
  Track track = std::move(it->second);
  tracks_.erase(it);
  by_entity_.erase(track.entity);
  log::debug("track {} of agent {} released", track.id, track.owner);
  if (listener_) listener_->on_track_removed(track);
}

void TrackAllocator::on_agent_left(const Agent& agent) {
  std::vector<uint32_t> doomed;
  for (const auto& [id, t] : tracks_) {
    if (t.owner == agent.id) doomed.push_back(id);
  }
  for (uint32_t id : doomed) release(id);
}

void TrackAllocator::on_revision(const RevisionDelta& delta, const World& world) {
  for (const auto& [entity, before] : delta.before) {
    auto it = by_entity_.find(entity);
    if (it == by_entity_.end()) continue;
    // Released when the entity is gone or its live_media no longer names the track.
    const auto* rec = world.find(entity);
    if (!rec || live_media_track(rec->value->components()) != it->second) release(it->second);
  }
}

}  // namespace allo::place
