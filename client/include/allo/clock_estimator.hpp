// ClockEstimator: round-trip and server-clock offset from the clock-sync
// replies of channel 4. Keeps the last `window` samples and trusts the one with
// the lowest round trip (its offset error is bounded by half that round trip).
// Pure (times are passed in); not thread-safe.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>

namespace allo::client {

class ClockEstimator {
 public:
  explicit ClockEstimator(size_t window = 16) : window_(window == 0 ? 1 : window) {}

  // One reply: our send time (echoed by the place), the place's time, and our
  // receive time. A sample with receive < send (corrupt echo) is ignored; returns
  // whether it was used.
  bool add_sample(double client_send, double server_time, double client_receive);

  bool has_estimate() const { return !samples_.empty(); }
  // Round trip of the best sample in the window (seconds), nullopt before any sample.
  std::optional<double> round_trip() const;
  // server_time - client_time, from the best sample: server = client + offset.
  std::optional<double> offset() const;
  // The place's clock at local time `client_now` (client_now itself before any sample).
  double server_time_at(double client_now) const;
  size_t sample_count() const { return samples_.size(); }

 private:
  struct Sample {
    double round_trip;
    double offset;
  };
  const Sample* best() const;
  size_t window_;
  std::deque<Sample> samples_;
};

}  // namespace allo::client
