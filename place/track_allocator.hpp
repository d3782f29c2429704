// Media tracks: the `allocate_track` place command, track ids, the
// `live_media` component, and releasing tracks when their entity goes away or
// their owner leaves. Socket-free; it tells a TrackListener (the SFU session)
// about every track it adds or removes. Not thread-safe (event loop only).
//
// allocate_track accepts both body forms of the reference:
//   ["allocate_track","audio",48000,1,"opus"]                      (seeds)
//   ["allocate_track","audio","opus",{"sample_rate":48000,...}]    (newer clients)
// and answers ["allocate_track","ok",track_id] or
// ["allocate_track","failed","<reason, presentable to a user>"]. Only mono
// Opus audio at 48 kHz is supported. The track belongs to the sending entity
// (the request's `from`, which the agent must own); asking again for the same
// entity returns its existing track.
#pragma once

#include "proto/limits.hpp"

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "place/place.hpp"
#include "place/place_hooks.hpp"
#include "proto/error.hpp"

namespace allo::place {

using limits::kMaxTracksPerAgent;

struct MediaFormat {
  std::string media_type;  // "audio"
  std::string format;      // "opus"
  int64_t sample_rate = 0;
  int64_t channel_count = 0;
};

// Reads either body form. Error code "invalid_request" for a malformed body
// (the detail says what is wrong); the format is not checked here.
proto::Result<MediaFormat> parse_allocate_track(const nlohmann::json& body);
// "" when the place can carry this media, else the reason it cannot.
std::string unsupported_media_reason(const MediaFormat& media);

struct Track {
  uint32_t id = 0;
  AgentId owner = 0;
  std::string entity;
};

// Told about every track change, in order. Not owned.
class TrackListener {
 public:
  virtual ~TrackListener() = default;
  virtual void on_track_added(const Track& track) = 0;
  virtual void on_track_removed(const Track& track) = 0;
};

class TrackAllocator : public PlaceObserver {
 public:
  // Registers the allocate_track command and itself as an observer of
  // `place`, which must outlive it; the listener (may be null) too.
  TrackAllocator(Place& place, TrackListener* listener);

  const std::map<uint32_t, Track>& tracks() const { return tracks_; }
  const Track* find(uint32_t id) const;
  bool owns(AgentId agent, uint32_t track) const;

  // PlaceObserver
  void on_agent_left(const Agent& agent) override;
  void on_revision(const RevisionDelta& delta, const World& world) override;

 private:
  void handle_allocate(Agent& agent, const proto::Interaction& request);
  void fail(Agent& agent, const proto::Interaction& request, const std::string& reason);
  uint32_t next_free_id();
  void release(uint32_t id);

  Place& place_;
  TrackListener* listener_;
  std::map<uint32_t, Track> tracks_;
  std::map<std::string, uint32_t> by_entity_;
  uint32_t next_id_ = 1;
};

}  // namespace allo::place
