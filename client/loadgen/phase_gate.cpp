#include "phase_gate.hpp"

#include <algorithm>

#include "common/mono_clock.hpp"

namespace allo::loadgen {

proto::Result<double> PhaseGate::arrive(const Serve& serve, double turn_seconds, double deadline) {
  if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == parties_) {
    opened_at_ = mono_seconds();
    if (on_open_) on_open_();
    open_.store(true, std::memory_order_release);
  }
  while (!open_.load(std::memory_order_acquire)) {
    if (abort_.aborted()) return std::unexpected(RunAbort::error());
    const double now = mono_seconds();
    if (now >= deadline) {
      return proto::fail("setup_failed",
                         "the other load generator threads did not reach the same phase in time");
    }
    if (auto ok = serve(std::min(now + turn_seconds, deadline)); !ok)
      return std::unexpected(ok.error());
  }
  return opened_at_;
}

}  // namespace allo::loadgen
