#include "sfu/fanout_worker.hpp"

#include <algorithm>
#include <cassert>

namespace allo::sfu {

FanoutWorker::FanoutWorker(FanoutConfig config, DirectSink* direct, CompatibleSink* compatible,
                           WorkerStats& stats)
    : config_(config), direct_sink_(direct), compatible_sink_(compatible), stats_(stats) {
  assert(direct != nullptr || compatible != nullptr);
}

void FanoutWorker::add_compatible_listener(const std::string& agent) {
  if (compatible_sink_ == nullptr || compatible_.contains(agent)) return;
  const bool paused = attached_elsewhere_.contains(agent);
  compatible_.emplace(agent, std::make_unique<Listener>(
                                 Listener{agent, paused, SpeakerSelection(config_.selection)}));
  subscribers_dirty_ = true;
}

void FanoutWorker::direct_path_changed(const DirectPathChanged& change) {
  if (change.session != session_) return;  // a peer of an earlier place session
  if (change.attached) {
    ++attached_elsewhere_[change.agent];
  } else if (auto it = attached_elsewhere_.find(change.agent); it != attached_elsewhere_.end()) {
    if (--it->second == 0) attached_elsewhere_.erase(it);
  }
  if (auto it = compatible_.find(change.agent); it != compatible_.end()) {
    set_paused(*it->second, attached_elsewhere_.contains(change.agent));
  }
  subscribers_dirty_ = true;
}

void FanoutWorker::set_paused(Listener& listener, bool paused) {
  // A paused listener is not reselected: it starts afresh when it resumes.
  if (listener.paused && !paused) listener.selection = SpeakerSelection(config_.selection);
  listener.paused = paused;
}

void FanoutWorker::start_session(uint64_t session) {
  session_ = session;
  attached_elsewhere_.clear();
  for (auto& [agent, listener] : compatible_) set_paused(*listener, false);
  direct_.clear();  // the worker disconnects those peers
  subscribers_dirty_ = true;
}

void FanoutWorker::forget_track(uint32_t track) {
  levels_.forget(track);
  subscribers_.erase(track);
  subscribers_dirty_ = true;
}

void FanoutWorker::apply(const ControlEvent& event) {
  if (const auto* e = std::get_if<AgentJoined>(&event)) {
    registry_.add_agent(e->agent);
    add_compatible_listener(e->agent);
  } else if (const auto* e = std::get_if<AgentLeft>(&event)) {
    for (uint32_t track : registry_.remove_agent(e->agent)) forget_track(track);
    compatible_.erase(e->agent);
    std::erase_if(direct_, [&](const auto& entry) { return entry.second->agent == e->agent; });
    subscribers_dirty_ = true;
  } else if (const auto* e = std::get_if<TrackAdded>(&event)) {
    registry_.add_track(e->track, e->owner_agent, e->entity);
    subscribers_dirty_ = true;
  } else if (const auto* e = std::get_if<TrackRemoved>(&event)) {
    registry_.remove_track(e->track);
    forget_track(e->track);
  } else if (const auto* e = std::get_if<PositionsUpdated>(&event)) {
    for (const auto& [agent, position] : e->positions) registry_.set_position(agent, position);
  } else if (const auto* e = std::get_if<DirectPathChanged>(&event)) {
    direct_path_changed(*e);
  } else if (const auto* e = std::get_if<LinkSecretChanged>(&event)) {
    if (e->session != session_) start_session(e->session);
  } else if (std::holds_alternative<PlaceReset>(event)) {
    registry_ = TrackRegistry{};
    levels_ = SpeakerLevels{};
    compatible_.clear();
    subscribers_.clear();
    subscribers_dirty_ = true;
  }
}

void FanoutWorker::attach_direct(uint64_t handle, const std::string& agent) {
  assert(direct_sink_ != nullptr);
  direct_[handle] =
      std::make_unique<Listener>(Listener{agent, false, SpeakerSelection(config_.selection)});
  subscribers_dirty_ = true;
}

void FanoutWorker::detach_direct(uint64_t handle) {
  if (direct_.erase(handle) > 0) subscribers_dirty_ = true;
}

void FanoutWorker::deliver(const PacketRef& packet, int64_t now_ns) {
  levels_.update(packet.track_id(), packet.level_dbfs(), static_cast<double>(now_ns) * 1e-9);
  // The subscriber lists point at listeners: after any change to them (a
  // listener left, paused, detached) they are rebuilt before they are used.
  if (subscribers_dirty_) rebuild_subscribers();
  auto it = subscribers_.find(packet.track_id());
  const size_t direct = it == subscribers_.end() ? 0 : it->second.direct.size();
  const size_t compatible = it == subscribers_.end() ? 0 : it->second.compatible.size();
  if (direct > 0) direct_sink_->send_direct(packet, it->second.direct);
  if (compatible > 0) compatible_sink_->send_compatible(packet, it->second.compatible);
  const size_t degree = direct + compatible;
  stats_.packets_out += degree;
  stats_.bytes_out += degree * packet.bytes().size();
  stats_.fanout_degree.observe(static_cast<double>(degree));
  if (degree > 0 && ++delivered_packets_ % config_.latency_sample_every == 0) {
    // After the sinks: the sockets (or the link's ring) have the packet now.
    const int64_t handed_ns = config_.clock_ns ? config_.clock_ns() : now_ns;
    stats_.forward_latency_seconds.observe(static_cast<double>(handed_ns - packet.arrival_ns()) *
                                           1e-9);
  }
}

bool FanoutWorker::in_range(const Listener& listener, const TrackInfo& track) const {
  if (config_.radius <= 0) return true;
  const auto here = registry_.position_of(listener.agent);
  const auto there = registry_.position_of(track.owner_agent);
  if (!here || !there) return true;  // unknown positions are never culled
  const float dx = here->x - there->x, dy = here->y - there->y, dz = here->z - there->z;
  return dx * dx + dy * dy + dz * dz <= config_.radius * config_.radius;
}

void FanoutWorker::reselect(double now_seconds) {
  // Every track's level once, then each listener's candidates from that list.
  tracks_now_.clear();
  for (const auto& [track, info] : registry_.tracks()) {
    tracks_now_.push_back({&info, {track, levels_.level(track, now_seconds)}});
  }
  // Sorted by track id, so every listener's candidates are too (see SpeakerSelection).
  std::sort(tracks_now_.begin(), tracks_now_.end(), [](const TrackNow& a, const TrackNow& b) {
    return a.candidate.track < b.candidate.track;
  });
  auto run = [&](Listener& listener) {
    candidates_.clear();
    for (const TrackNow& t : tracks_now_) {
      if (t.info->owner_agent == listener.agent || !in_range(listener, *t.info)) continue;
      candidates_.push_back(t.candidate);
    }
    if (listener.selection.update(candidates_, now_seconds)) {
      ++stats_.selection_changes;
      subscribers_dirty_ = true;
    }
  };
  for (auto& [agent, listener] : compatible_) {
    if (!listener->paused) run(*listener);
  }
  for (auto& [handle, listener] : direct_) run(*listener);
  if (subscribers_dirty_) rebuild_subscribers();
}

void FanoutWorker::rebuild_subscribers() {
  subscribers_.clear();
  active_compatible_ = 0;
  for (const auto& [agent, listener] : compatible_) {
    if (listener->paused) continue;
    ++active_compatible_;
    for (uint32_t track : listener->selection.selected()) {
      subscribers_[track].compatible.push_back(&listener->agent);
    }
  }
  for (const auto& [handle, listener] : direct_) {
    for (uint32_t track : listener->selection.selected()) {
      subscribers_[track].direct.push_back(handle);
    }
  }
  subscribers_dirty_ = false;
}

size_t FanoutWorker::listener_count() const {
  return compatible_.size() + direct_.size();
}

size_t FanoutWorker::subscriber_count(uint32_t track) const {
  auto it = subscribers_.find(track);
  return it == subscribers_.end() ? 0 : it->second.direct.size() + it->second.compatible.size();
}

}  // namespace allo::sfu
