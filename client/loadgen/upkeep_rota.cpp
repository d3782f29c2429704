#include "upkeep_rota.hpp"

#include <algorithm>
#include <cmath>

namespace allo::loadgen {

UpkeepRota::UpkeepRota(double period_seconds) : period_(std::max(1e-6, period_seconds)) {}

void UpkeepRota::take_due(double now, size_t count, std::vector<uint32_t>& out) {
  if (last_ < 0) last_ = now;
  if (count == 0) {
    last_ = now;
    owed_ = 0;
    return;
  }
  const double elapsed = std::max(0.0, now - last_);
  last_ = now;
  owed_ =
      std::min(owed_ + elapsed / period_ * static_cast<double>(count), static_cast<double>(count));
  // The epsilon keeps rounding (0.015 - 0.010 < 0.005) from losing a slot.
  const auto due = static_cast<size_t>(std::floor(owed_ + 1e-9));
  owed_ -= static_cast<double>(due);
  if (cursor_ >= count) cursor_ = 0;
  for (size_t i = 0; i < due; ++i) {
    out.push_back(static_cast<uint32_t>(cursor_));
    if (++cursor_ == count) cursor_ = 0;
  }
}

double UpkeepRota::next_due(double now, size_t count) const {
  if (count == 0) return now + period_;
  if (last_ < 0) return now;
  return last_ + (1 - owed_) * period_ / static_cast<double>(count);
}

}  // namespace allo::loadgen
