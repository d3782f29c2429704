#include "place/state_flow.hpp"

#include <algorithm>
#include <cmath>

namespace allo::place {

StateFlow::Verdict StateFlow::check(uint64_t acked, std::optional<double> acked_sent_at, double now,
                                    const StateFlowLimits& limits) {
  if (acked > acked_) {  // progress: the client is alive and catching up
    progress_at_ = now;
    probes_ = 0;
    if (acked_sent_at && acked <= sent_revision_) {
      double sample = std::max(now - *acked_sent_at, 0.0);
      if (srtt_ < 0) {
        srtt_ = sample;
        rttvar_ = sample / 2;
      } else {
        rttvar_ = 0.75 * rttvar_ + 0.25 * std::abs(srtt_ - sample);
        srtt_ = 0.875 * srtt_ + 0.125 * sample;
      }
    }
  }
  acked_ = acked;
  // 0 asks for a set; an acknowledgement at or past what was sent (a new
  // client, or one from the future) leaves nothing in flight.
  if (limits.window == 0 || acked == 0 || acked >= sent_revision_) return Verdict::kSend;
  if (sent_revision_ - acked < limits.window) return Verdict::kSend;
  // Probes recover messages that were lost: none while the acknowledgement
  // still moves, however slowly.
  double quiet = now - std::max(sent_at_, progress_at_);
  return quiet >= probe_interval(limits) ? Verdict::kProbe : Verdict::kHold;
}

double StateFlow::probe_interval(const StateFlowLimits& limits) const {
  const double longest = std::max(limits.first_probe, limits.max_probe);
  // The deviation term has a floor (RFC 6298's clock granularity, here a
  // quarter of the round trip): with steady samples it decays towards 0, and
  // an acknowledgement a tick late must not look lost.
  double timeout = srtt_ < 0 ? limits.first_probe : srtt_ + std::max(4 * rttvar_, srtt_ / 4);
  timeout = std::clamp(timeout, limits.first_probe, longest);
  return std::min(std::ldexp(timeout, probes_), longest);
}

bool StateFlow::may_patch_from(uint64_t acked) const {
  return acked != 0 && acked <= sent_revision_ &&
         sent_revision_ - acked < limits::kStateHistoryRevisions;
}

void StateFlow::sent(uint64_t revision, double now, Verdict verdict) {
  sent_revision_ = revision;
  sent_at_ = now;
  if (verdict == Verdict::kProbe && probes_ < 30) ++probes_;
}

}  // namespace allo::place
