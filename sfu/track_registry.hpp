// Which agents are in the place, which tracks exist, who owns (and so may send
// on) each track, and where agents are. Filled from the place's link messages.
//
// Thread-safety: none; every thread that needs it (the link thread and each
// worker) keeps its own copy, updated from the same ordered control events.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace allo::sfu {

struct Position {
  float x = 0, y = 0, z = 0;
};

struct TrackInfo {
  std::string owner_agent;
  std::string entity;
};

class TrackRegistry {
 public:
  void add_agent(const std::string& agent);
  // Removes the agent, its position and every track it owns; returns those tracks.
  std::vector<uint32_t> remove_agent(const std::string& agent);
  bool has_agent(const std::string& agent) const { return agents_.contains(agent); }

  // Registers (or re-registers) a track. Returns false, changing nothing, when
  // the owner is not a known agent.
  bool add_track(uint32_t track, const std::string& owner_agent, const std::string& entity);
  // Returns false when the track was unknown.
  bool remove_track(uint32_t track);

  const TrackInfo* find(uint32_t track) const;
  // True when `agent` owns `track`, the only case in which it may send on it.
  bool may_send(const std::string& agent, uint32_t track) const;

  void set_position(const std::string& agent, Position position);
  std::optional<Position> position_of(const std::string& agent) const;

  const std::unordered_map<uint32_t, TrackInfo>& tracks() const { return tracks_; }
  size_t agent_count() const { return agents_.size(); }

 private:
  std::unordered_map<std::string, std::optional<Position>> agents_;
  std::unordered_map<uint32_t, TrackInfo> tracks_;
};

}  // namespace allo::sfu
