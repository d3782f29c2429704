#include "sfu/worker_stats.hpp"

#include <algorithm>

namespace allo::sfu {

std::string_view drop_reason_name(DropReason reason) {
  switch (reason) {
    case DropReason::kTooShort:
      return "too_short";
    case DropReason::kTooLarge:
      return "too_large";
    case DropReason::kUnknownTrack:
      return "unknown_track";
    case DropReason::kNotOwner:
      return "not_owner";
    case DropReason::kInvalidOpus:
      return "invalid_opus";
    case DropReason::kQueueFull:
      return "queue_full";
    case DropReason::kUnauthenticated:
      return "unauthenticated";
    case DropReason::kLinkDown:
      return "link_down";
    case DropReason::kSocketFull:
      return "socket_full";
    case DropReason::kCount:
      break;
  }
  return "unknown";
}

void LocalHistogram::observe(double value) {
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), value);
  ++counts_[static_cast<size_t>(it - bounds_.begin())];
  sum_ += value;
}

std::vector<double> LocalHistogram::take_counts(double& sum_out) {
  std::vector<double> out(counts_.begin(), counts_.end());
  std::fill(counts_.begin(), counts_.end(), 0);
  sum_out = sum_;
  sum_ = 0;
  return out;
}

WorkerStats::WorkerStats()
    : fanout_degree({0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}),
      forward_latency_seconds({10e-6, 25e-6, 50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3,
                               10e-3, 25e-3, 50e-3, 100e-3}) {}

}  // namespace allo::sfu
