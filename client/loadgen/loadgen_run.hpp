// LoadgenRun: one bounded allo-loadgen run in this thread. N SDK clients (one
// allo::client::Client, i.e. one ENet host, each, plus a second host for the
// direct path) join the place, ack its state and send intents at 20 Hz like a
// visor; the first S allocate a track and send pre-encoded speech-like Opus
// every 20 ms (staggered across the 20 ms). Every client is polled without
// waiting in one loop, so receive times are taken within one sweep of all
// clients; latency is receive-callback time minus send-call time. A sweep
// that finds nothing naps 200 us, so an idle loadgen does not spin.
// Not thread-safe; run() blocks for setup + warmup + seconds + 0.5 s drain.
#pragma once

#include <memory>
#include <vector>

#include "allo/client.hpp"
#include "allo/voice_session.hpp"
#include "loadgen_options.hpp"
#include "loadgen_report.hpp"
#include "sent_frames.hpp"

namespace allo::loadgen {

class LoadgenRun {
 public:
  explicit LoadgenRun(LoadgenOptions options);
  ~LoadgenRun();
  // Errors: "setup_failed" (detail: which client and why), codec errors.
  proto::Result<LoadgenReport> run();

 private:
  proto::Result<void> join_all();
  proto::Result<void> start_voice();
  void send_loop();
  int poll_all();    // packets handled (place and direct links)
  void idle_poll();  // poll_all, then a short nap when nothing arrived
  void on_received(uint32_t track, std::span<const uint8_t> payload);
  LoadgenReport report(double cpu_seconds);

  LoadgenOptions options_;
  std::unique_ptr<SentFrames> frames_;
  std::vector<std::unique_ptr<client::Client>> clients_;
  std::vector<std::unique_ptr<client::VoiceSession>> sessions_;
  std::vector<uint32_t> speaker_of_track_;      // track id -> speaker + 1 (0 = none)
  uint32_t window_first_ = 0, window_end_ = 0;  // frame indices measured
  uint64_t media_received_ = 0;
  uint64_t sent_in_window_ = 0, delivered_ = 0, unknown_ = 0;
  uint64_t decoded_ = 0, decode_failures_ = 0;
  std::vector<float> latency_ms_;
};

}  // namespace allo::loadgen
