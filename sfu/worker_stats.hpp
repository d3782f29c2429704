// Per-thread packet statistics, written only by the thread that owns them with
// plain (non-atomic) arithmetic, so counting costs nothing on the packet path.
// The owning thread periodically publishes deltas to Prometheus (SfuMetrics).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace allo::sfu {

enum class DropReason : uint8_t {
  kTooShort,         // media packet without room for a track id and payload
  kTooLarge,         // over limits::kMaxMediaPacketBytes
  kUnknownTrack,     // no such track registered by the place
  kNotOwner,         // the sender does not own the track
  kInvalidOpus,      // libopus refused the payload
  kQueueFull,        // a worker's inbound ring was full
  kUnauthenticated,  // direct-path media before a valid hello
  kLinkDown,         // compatible-path output while the place link is down
  kSocketFull,       // the shared socket's send buffer was full (or refused the datagram)
  kCount,
};
std::string_view drop_reason_name(DropReason reason);

// Fixed-bucket histogram; bounds are upper bounds, one overflow bucket after.
class LocalHistogram {
 public:
  explicit LocalHistogram(std::vector<double> bounds)
      : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {}
  void observe(double value);
  const std::vector<double>& bounds() const { return bounds_; }
  // Per-bucket counts (non-cumulative) and the sum since the last take(); resets them.
  std::vector<double> take_counts(double& sum_out);

 private:
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;
  double sum_ = 0;
};

struct WorkerStats {
  WorkerStats();
  void drop(DropReason reason) { ++drops[static_cast<size_t>(reason)]; }

  uint64_t packets_in = 0;
  uint64_t bytes_in = 0;
  uint64_t packets_out = 0;
  uint64_t bytes_out = 0;
  uint64_t selection_changes = 0;
  uint64_t levels_decoded = 0;  // packets in whose level was measured by decoding them
  std::array<uint64_t, static_cast<size_t>(DropReason::kCount)> drops{};
  LocalHistogram fanout_degree;
  LocalHistogram forward_latency_seconds;
};

}  // namespace allo::sfu
