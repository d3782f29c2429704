// UpkeepRota: spreads the periodic service of many slots (ENet hosts) evenly
// over a period: called often with the current time, it hands out the next
// slots in round-robin order at the rate of `count` slots per period, so
// every slot comes up once per period without a burst of `count` polls that
// would stall everything behind it. Pure (time is passed in); not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace allo::loadgen {

class UpkeepRota {
 public:
  explicit UpkeepRota(double period_seconds);

  // Appends the slots (in [0, count)) due at `now` to `out`: the slots owed
  // since the previous call, round-robin from where it stopped. After a stall
  // of a period or more it owes every slot once, never more. `count` may grow
  // between calls (slots added during setup); the first call starts the clock.
  void take_due(double now, size_t count, std::vector<uint32_t>& out);
  // When the next slot falls due (for the caller's wait timeout), given the
  // same count; `now` before the first call.
  double next_due(double now, size_t count) const;

  double period() const { return period_; }

 private:
  double period_;
  double last_ = -1;   // time of the previous take_due, -1 before the first
  double owed_ = 0;    // fraction of a slot carried between calls
  size_t cursor_ = 0;  // next slot in round-robin order
};

}  // namespace allo::loadgen
