// The socket-free heart of one SFU fan-out thread: its copy of the registry,
// the listeners it owns, their speaker selections, and the fan-out of each
// shared packet to the listeners that selected its track.
//
// Who owns which listener is decided by the sinks it is given: a worker
// passes a DirectSink and owns the direct-path peers that connected to its
// own socket; the link thread passes a CompatibleSink and owns every
// compatible-path listener (one per agent in the place), paused while that
// agent is attached on the direct path. Fan-out hands one PacketRef plus the
// list of its listeners to the sink: the payload is never copied per listener.
//
// Thread-safety: none; every method runs on the owning thread.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "sfu/control_event.hpp"
#include "sfu/packet_buffer.hpp"
#include "sfu/speaker_levels.hpp"
#include "sfu/speaker_selection.hpp"
#include "sfu/track_registry.hpp"
#include "sfu/worker_stats.hpp"

namespace allo::sfu {

// Where fanned-out packets go; implemented by the daemon (ENet) and tests.
class DirectSink {
 public:
  virtual ~DirectSink() = default;
  // One packet to direct-path peers of this worker (handles given to attach_direct).
  virtual void send_direct(const PacketRef& packet, std::span<const uint64_t> handles) = 0;
};
class CompatibleSink {
 public:
  virtual ~CompatibleSink() = default;
  // One packet to compatible-path agents, through the place.
  virtual void send_compatible(const PacketRef& packet,
                               std::span<const std::string* const> agents) = 0;
};

struct FanoutConfig {
  SelectionConfig selection;
  float radius = 0;                   // 0 = no distance culling
  uint32_t latency_sample_every = 8;  // forward latency measured on every Nth packet
  // Nanoseconds on the clock of PacketRef::arrival_ns(), read after the
  // sinks took a sampled packet; null: the `now_ns` given to deliver().
  int64_t (*clock_ns)() = nullptr;
};

class FanoutWorker {
 public:
  // Sinks and `stats` must outlive the worker. With a CompatibleSink it keeps
  // a compatible-path listener for every agent that joins; with a DirectSink
  // it accepts attach_direct. Either may be null, not both.
  FanoutWorker(FanoutConfig config, DirectSink* direct, CompatibleSink* compatible,
               WorkerStats& stats);

  void apply(const ControlEvent& event);
  const TrackRegistry& registry() const { return registry_; }
  // The place session of the last LinkSecretChanged applied (0 before any).
  uint64_t session() const { return session_; }

  // A direct-path peer authenticated as `agent` on this worker's socket.
  // Requires a DirectSink.
  void attach_direct(uint64_t handle, const std::string& agent);
  void detach_direct(uint64_t handle);

  // Updates the track's level and hands the packet to its selected listeners.
  void deliver(const PacketRef& packet, int64_t now_ns);
  // Re-runs every listener's selection; call every few tens of milliseconds.
  void reselect(double now_seconds);

  size_t listener_count() const;
  // Listeners that currently get packets through the CompatibleSink
  // (compatible-path listeners not paused for the direct path).
  size_t active_compatible_count() const { return active_compatible_; }
  // Tracks that sent audio recently (every worker sees every packet).
  size_t active_speaker_count(double now_seconds) const {
    return levels_.active_count(now_seconds);
  }
  // Listeners on this worker that currently receive `track` (tests, metrics).
  size_t subscriber_count(uint32_t track) const;

 private:
  struct Listener {
    std::string agent;
    bool paused = false;  // compatible listener while the agent is on the direct path
    SpeakerSelection selection;
  };
  struct Subscribers {
    std::vector<uint64_t> direct;
    std::vector<const std::string*> compatible;
  };

  void add_compatible_listener(const std::string& agent);
  void direct_path_changed(const DirectPathChanged& change);
  void set_paused(Listener& listener, bool paused);
  void start_session(uint64_t session);
  void forget_track(uint32_t track);
  bool in_range(const Listener& listener, const TrackInfo& track) const;
  void rebuild_subscribers();

  FanoutConfig config_;
  DirectSink* direct_sink_;
  CompatibleSink* compatible_sink_;
  WorkerStats& stats_;
  TrackRegistry registry_;
  SpeakerLevels levels_;
  std::unordered_map<std::string, std::unique_ptr<Listener>> compatible_;  // by agent
  std::unordered_map<uint64_t, std::unique_ptr<Listener>> direct_;         // by handle
  std::unordered_map<uint32_t, Subscribers> subscribers_;                  // by track
  // Direct-path connections per agent, from the workers' reports. Unlike the
  // agents, it survives PlaceReset: the peers stay connected while the same
  // place reconnects, and its replayed agents must come back paused.
  std::unordered_map<std::string, uint32_t> attached_elsewhere_;
  uint64_t session_ = 0;
  size_t active_compatible_ = 0;
  struct TrackNow {
    const TrackInfo* info;
    SpeakerCandidate candidate;
  };
  std::vector<TrackNow> tracks_now_;          // reselect's scratch
  std::vector<SpeakerCandidate> candidates_;  // reselect's scratch
  bool subscribers_dirty_ = false;
  uint64_t delivered_packets_ = 0;
};

}  // namespace allo::sfu
