#include "allo/clock_estimator.hpp"

#include <cmath>

namespace allo::client {

bool ClockEstimator::add_sample(double client_send, double server_time, double client_receive) {
  if (!std::isfinite(client_send) || !std::isfinite(server_time) ||
      !std::isfinite(client_receive) || client_receive < client_send) {
    return false;
  }
  double rtt = client_receive - client_send;
  // The place stamped its time roughly half way through the round trip.
  double offset = server_time - (client_send + rtt / 2);
  samples_.push_back({rtt, offset});
  while (samples_.size() > window_) samples_.pop_front();
  return true;
}

const ClockEstimator::Sample* ClockEstimator::best() const {
  const Sample* out = nullptr;
  for (const auto& s : samples_) {
    if (out == nullptr || s.round_trip <= out->round_trip) out = &s;
  }
  return out;
}

std::optional<double> ClockEstimator::round_trip() const {
  if (const Sample* s = best()) return s->round_trip;
  return std::nullopt;
}

std::optional<double> ClockEstimator::offset() const {
  if (const Sample* s = best()) return s->offset;
  return std::nullopt;
}

double ClockEstimator::server_time_at(double client_now) const {
  const Sample* s = best();
  return s ? client_now + s->offset : client_now;
}

}  // namespace allo::client
