// LoadgenRun: one bounded allo-loadgen run in this thread. N SDK clients (one
// allo::client::Client, i.e. one ENet host, each, plus a second host for the
// direct path) join the place, ack its state and send intents at 20 Hz like a
// visor; the first S allocate a track and send pre-encoded speech-like Opus
// every 20 ms (staggered across the 20 ms). One event loop (FleetPoller)
// waits on every host's socket and polls a host as soon as it is readable,
// so receive times are taken when a packet arrives, not after a sweep of all
// hosts; quiet hosts are still polled every ~10 ms for ENet and the intents.
// Latency is receive-callback time minus send-call time. Between events the
// loop sleeps until the next speaker frame is due. With --listeners sink no
// voice is read, frames go out in 2 ms bursts and every connection is polled
// on a timer instead (serve_sink). Sampled deliveries are
// decoded after the run (a decoder per sample costs ~100 us in the loop).
// Setup ends with a settle phase (no full state sets for 1 s, at most 10 s)
// so the join backlog is not measured as voice latency or loss.
// Not thread-safe; run() blocks for setup + settle + warmup + seconds + 0.5 s
// drain. Errors: "setup_failed", codec errors, "epoll_*" (FleetPoller).
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "allo/client.hpp"
#include "allo/voice_session.hpp"
#include "fleet_poller.hpp"
#include "loadgen_options.hpp"
#include "loadgen_report.hpp"
#include "sent_frames.hpp"

namespace allo::loadgen {

class LoadgenRun {
 public:
  explicit LoadgenRun(LoadgenOptions options);
  ~LoadgenRun();
  // Errors: "setup_failed" (detail: which client and why), codec errors,
  // "epoll_failed", "epoll_ctl_failed", "epoll_wait_failed".
  proto::Result<LoadgenReport> run();

 private:
  proto::Result<void> join_all();
  proto::Result<void> start_voice();
  proto::Result<void> settle();
  proto::Result<void> send_loop();
  // Sends every speaker frame due at `now`; returns when the next one is due.
  double send_due_frames(double now);
  void drop_heard_voice();        // --listeners sink: filters links not yet filtered
  void serve_sink(double until);  // --listeners sink
  void on_received(uint32_t track, std::span<const uint8_t> payload, double arrival);
  void decode_samples();  // after the run: decoding in the loop would delay receives
  LoadgenReport report(double cpu_seconds);

  LoadgenOptions options_;
  std::unique_ptr<SentFrames> frames_;
  std::vector<std::unique_ptr<client::Client>> clients_;
  std::vector<std::unique_ptr<client::VoiceSession>> sessions_;
  std::unique_ptr<FleetPoller> poller_;  // over clients_ and sessions_
  std::vector<uint32_t> next_frame_;     // per speaker
  double send_start_ = 0;
  double next_sink_poll_ = 0;      // --listeners sink: next poll of every connection
  std::vector<int> filtered_fds_;  // --listeners sink: per session, the link with the filter
  std::vector<uint32_t> speaker_of_track_;  // track id -> speaker + 1 (0 = none)
  // Setup progress, counted by SDK callbacks that may also run after setup
  // (a late allocation reply, a direct link dropping mid-run): members, so
  // they outlive start_voice().
  uint32_t tracks_ready_ = 0, track_failures_ = 0, paths_ready_ = 0;
  std::map<std::string, uint32_t> fallbacks_;   // why the direct path was not used
  uint32_t window_first_ = 0, window_end_ = 0;  // frame indices measured
  uint64_t sent_in_window_ = 0, delivered_ = 0, unknown_ = 0;
  uint64_t decoded_ = 0, decode_failures_ = 0;
  std::vector<std::vector<uint8_t>> decode_samples_;  // every decode_every-th delivery
  std::vector<float> latency_ms_;                     // send call to receive callback
  std::vector<float> arrival_latency_ms_;             // send call to kernel arrival
};

}  // namespace allo::loadgen
