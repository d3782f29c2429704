// PhaseGate: where allo-loadgen's shard threads meet between phases. Each
// shard arrives once and then keeps serving its own clients (acks, pings,
// intents: a shard that went quiet while another finished joining would fall
// behind on its state) until the last shard arrives, the run is aborted, or
// the deadline passes. The last to arrive records the time and runs the
// gate's `on_open` (the run's CPU clock at the send window's edges); the
// others read both after seeing the gate open (release/acquire on `open_`),
// so every shard starts the next phase from the same instant. Single use.
// Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

#include "proto/error.hpp"

namespace allo::loadgen {

// Shared by every shard of a run: once one has failed, the others stop at
// their next loop turn with an "aborted" error.
class RunAbort {
 public:
  void abort() { aborted_.store(true, std::memory_order_release); }
  bool aborted() const { return aborted_.load(std::memory_order_acquire); }
  // What a shard returns when it stopped because another failed.
  static proto::Error error() {
    return proto::Error{"aborted", "another load generator thread failed"};
  }

 private:
  std::atomic<bool> aborted_{false};
};

class PhaseGate {
 public:
  // One serve turn of the caller's loop; it returns by `until` (mono seconds).
  using Serve = std::function<proto::Result<void>(double until)>;

  PhaseGate(uint32_t parties, const RunAbort& abort, std::function<void()> on_open = {})
      : parties_(parties), abort_(abort), on_open_(std::move(on_open)) {}

  // Arrives and serves in turns of at most `turn_seconds` until every party
  // has arrived; returns the mono time the last one arrived. Errors:
  // "aborted" (another shard failed), "setup_failed" (`deadline` passed), or
  // what `serve` returned.
  proto::Result<double> arrive(const Serve& serve, double turn_seconds, double deadline);

 private:
  const uint32_t parties_;
  const RunAbort& abort_;
  const std::function<void()> on_open_;
  std::atomic<uint32_t> arrived_{0};
  std::atomic<bool> open_{false};
  double opened_at_ = 0;  // written once, before open_ (release)
};

}  // namespace allo::loadgen
