// PhaseGate: where allo-loadgen's shard threads meet between setup phases.
// Each shard arrives once and then keeps serving its own clients (acks,
// pings, intents: a shard that went quiet while another finished joining
// would fall behind on its state) until the last shard arrives, the run is
// aborted, or the deadline passes. The last to arrive records the time; the
// others read it after seeing the gate open (release/acquire on `open_`), so
// every shard starts the next phase from the same instant (the send loop's
// start, for instance). Single use. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

#include "proto/error.hpp"

namespace allo::loadgen {

// Shared by every gate of a run: once one shard has failed, nobody waits.
class RunAbort {
 public:
  void abort() { aborted_.store(true, std::memory_order_release); }
  bool aborted() const { return aborted_.load(std::memory_order_acquire); }

 private:
  std::atomic<bool> aborted_{false};
};

class PhaseGate {
 public:
  // One serve turn of the caller's loop; it returns by `until` (mono seconds).
  using Serve = std::function<proto::Result<void>(double until)>;

  PhaseGate(uint32_t parties, const RunAbort& abort) : parties_(parties), abort_(abort) {}

  // Arrives and serves in turns of at most `turn_seconds` until every party
  // has arrived; returns the mono time the last one arrived. Errors:
  // "setup_failed" (another shard aborted the run, or `deadline` passed;
  // detail says which), or what `serve` returned.
  proto::Result<double> arrive(const Serve& serve, double turn_seconds, double deadline);

 private:
  const uint32_t parties_;
  const RunAbort& abort_;
  std::atomic<uint32_t> arrived_{0};
  std::atomic<bool> open_{false};
  double opened_at_ = 0;  // written once, before open_ (release)
};

}  // namespace allo::loadgen
