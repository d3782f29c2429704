// LoadgenShard: one thread's part of an allo-loadgen run. Shard k of T owns
// the clients whose index i has i % T == k (so the speakers, the first S
// clients, are spread over the shards): one allo::client::Client, i.e. one
// ENet host, each, plus a second host for the direct path. They join the
// place, ack its state and send intents at 20 Hz like a visor; the speakers
// send pre-encoded speech-like Opus every 20 ms (staggered across the 20 ms
// by their run-wide index). One event loop (FleetPoller) waits on the shard's
// sockets and polls a host as soon as it is readable, so receive times are
// taken when a packet arrives, not after a sweep of all hosts; quiet hosts
// are still polled every ~10 ms for ENet and the intents. Latency is
// receive-callback time minus send-call time. Between events the loop sleeps
// until the shard's next speaker frame is due. With --listeners sink no voice
// is read, frames go out in 2 ms bursts and every connection is polled on a
// timer instead (serve_sink). Sampled deliveries are decoded after the run
// (a decoder per sample costs ~100 us in the loop).
//
// The shards meet at four PhaseGates (every client announced; every track
// allocated and media path chosen; every shard settled; every frame sent),
// serving their own clients while they wait; all start sending at the
// instant the third opened. Setup ends with a settle phase (no client of any
// shard got a full state set for 1 s, at most 10 s) so the join backlog is
// not measured as voice latency or loss. A shard that fails aborts the run:
// the others return "aborted" at their next loop turn. A shard's objects belong to its thread; what
// the shards share is in ShardShared.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "allo/client.hpp"
#include "allo/voice_session.hpp"
#include "fleet_poller.hpp"
#include "loadgen_options.hpp"
#include "phase_gate.hpp"
#include "sent_frames.hpp"

namespace allo::loadgen {

// Which speaker sends on which track, filled by every shard as its
// allocations are answered and read by every shard once the `voiced` gate
// has opened (a copy each: receiving looks it up per packet). Thread-safe.
class TrackDirectory {
 public:
  void add(uint32_t track, uint32_t speaker);
  // track id -> speaker + 1 (0 = none).
  std::vector<uint32_t> snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::vector<uint32_t> speaker_of_track_;
};

// What every shard of a run shares.
struct ShardShared {
  ShardShared(const LoadgenOptions& o, SentFrames& f, uint32_t shard_count, uint32_t first,
              uint32_t end);

  const LoadgenOptions& options;
  SentFrames& frames;  // each frame's send time is written by its speaker's shard
  const uint32_t shards;
  const uint32_t window_first, window_end;  // frame indices measured
  RunAbort abort;
  // Per shard: since when (mono seconds) none of its clients got a full
  // state set; +infinity until it starts settling. Setup is over when every
  // shard has been calm for a second (LoadgenShard::settle()).
  std::unique_ptr<std::atomic<double>[]> calm_since;
  // The process's CPU seconds when the last shard was settled and when the
  // last one had sent its last frame: the send window's cost, decoding and
  // setup left out (written by the gates' on_open, read after the threads
  // are joined).
  double window_cpu_before = 0, window_cpu_after = 0;
  PhaseGate joined, voiced, settled, sent;
  TrackDirectory tracks;
};

// What one shard counted; LoadgenRun adds them up.
struct ShardTally {
  uint64_t sent_in_window = 0, delivered = 0, unknown = 0;
  uint64_t decoded = 0, decode_failures = 0;
  uint64_t intents_sent = 0, state_packets = 0;
  uint32_t direct_clients = 0;
  std::vector<float> latency_ms;          // send call to receive callback
  std::vector<float> arrival_latency_ms;  // send call to kernel arrival
  double window_cpu_seconds = 0;          // the process's CPU during the send loop (shard 0)
};

class LoadgenShard {
 public:
  LoadgenShard(ShardShared& shared, uint32_t index);
  ~LoadgenShard();
  LoadgenShard(const LoadgenShard&) = delete;
  LoadgenShard& operator=(const LoadgenShard&) = delete;

  // Setup, the send window and the sample decoding; blocks until the run's
  // end. On an error it aborts the run for the other shards. Errors:
  // "setup_failed" (detail: which client and why), "aborted" (another
  // shard failed), "epoll_failed", "epoll_ctl_failed", "epoll_wait_failed".
  proto::Result<void> run();
  // Says goodbye to the place (and the SFU) for every client; in the
  // shard's thread, so the shards' goodbyes overlap.
  void close();
  // Counters and samples after run(), with the clients' own counters;
  // before close().
  ShardTally take_tally();

 private:
  proto::Result<void> run_phases();
  proto::Result<void> join_all();
  proto::Result<void> start_voice();
  proto::Result<void> settle();
  proto::Result<void> send_loop();
  // One loop turn (FleetPoller). Errors: "aborted", the poller's.
  proto::Result<void> serve(double until);
  bool all_calm(double now) const;  // settle(): every shard calm for a second
  // Sends every frame of this shard's speakers due at `now`; returns when
  // the next one is due.
  double send_due_frames(double now);
  void drop_heard_voice();        // --listeners sink: filters links not yet filtered
  void serve_sink(double until);  // --listeners sink
  void on_received(uint32_t track, std::span<const uint8_t> payload, double arrival);
  void decode_samples();  // after the run: decoding in the loop would delay receives

  ShardShared& shared_;
  const LoadgenOptions& options_;
  const uint32_t index_;
  std::vector<uint32_t> client_ids_;  // run-wide index of each of this shard's clients
  std::vector<std::unique_ptr<client::Client>> clients_;
  std::vector<std::unique_ptr<client::VoiceSession>> sessions_;
  std::unique_ptr<FleetPoller> poller_;  // over clients_ and sessions_
  // This shard's speakers: local client index and run-wide speaker index
  // (= the client's run-wide index), with the next frame each sends.
  struct Speaker {
    uint32_t local = 0, speaker = 0, next_frame = 0;
  };
  std::vector<Speaker> speakers_;
  double send_start_ = 0;
  double next_sink_poll_ = 0;      // --listeners sink: next poll of every connection
  std::vector<int> filtered_fds_;  // --listeners sink: per session, the link with the filter
  std::vector<uint32_t> speaker_of_track_;  // the directory's snapshot
  // Setup progress, counted by SDK callbacks that may also run after setup
  // (a late allocation reply, a direct link dropping mid-run): members, so
  // they outlive start_voice().
  uint32_t announced_ = 0, tracks_ready_ = 0, track_failures_ = 0, paths_ready_ = 0;
  std::map<std::string, uint32_t> fallbacks_;         // why the direct path was not used
  std::vector<std::vector<uint8_t>> decode_samples_;  // every decode_every-th delivery
  ShardTally tally_;
};

}  // namespace allo::loadgen
