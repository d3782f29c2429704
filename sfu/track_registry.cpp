#include "sfu/track_registry.hpp"

namespace allo::sfu {

void TrackRegistry::add_agent(const std::string& agent) {
  agents_.try_emplace(agent);
}

std::vector<uint32_t> TrackRegistry::remove_agent(const std::string& agent) {
  std::vector<uint32_t> removed;
  for (auto it = tracks_.begin(); it != tracks_.end();) {
    if (it->second.owner_agent == agent) {
      removed.push_back(it->first);
      it = tracks_.erase(it);
    } else {
      ++it;
    }
  }
  agents_.erase(agent);
  return removed;
}

bool TrackRegistry::add_track(uint32_t track, const std::string& owner_agent,
                              const std::string& entity) {
  if (!agents_.contains(owner_agent)) return false;
  tracks_[track] = TrackInfo{owner_agent, entity};
  return true;
}

bool TrackRegistry::remove_track(uint32_t track) {
  return tracks_.erase(track) > 0;
}

const TrackInfo* TrackRegistry::find(uint32_t track) const {
  auto it = tracks_.find(track);
  return it == tracks_.end() ? nullptr : &it->second;
}

bool TrackRegistry::may_send(const std::string& agent, uint32_t track) const {
  const TrackInfo* info = find(track);
  return info != nullptr && info->owner_agent == agent;
}

void TrackRegistry::set_position(const std::string& agent, Position position) {
  auto it = agents_.find(agent);
  if (it != agents_.end()) it->second = position;
}

std::optional<Position> TrackRegistry::position_of(const std::string& agent) const {
  auto it = agents_.find(agent);
  return it == agents_.end() ? std::nullopt : it->second;
}

}  // namespace allo::sfu
