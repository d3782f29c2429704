#include "common/rt_load_guard.hpp"

#include <time.h>

namespace allo {

RtLoadGuard::RtLoadGuard(RtLoadOptions options, bool realtime, double now, double cpu)
    : options_(options),
      enabled_(realtime),
      realtime_(realtime),
      window_start_(now),
      window_cpu_(cpu),
      window_end_(now + options.window) {}

RtLoadChange RtLoadGuard::end_window(double now, double cpu) {
  const double wall = now - window_start_;
  if (wall <= 0) return RtLoadChange::kNone;
  load_ = (cpu - window_cpu_) / wall;
  window_start_ = now;
  window_cpu_ = cpu;
  window_end_ = now + options_.window;
  if (!enabled_) return RtLoadChange::kNone;
  if (realtime_) {
    if (load_ <= options_.max_load) return RtLoadChange::kNone;
    realtime_ = false;
    quiet_since_ = now;
    return RtLoadChange::kDemote;
  }
  if (load_ > options_.max_load / 2) {
    quiet_since_ = now;  // not quiet: the cooldown starts again
    return RtLoadChange::kNone;
  }
  if (now - quiet_since_ < options_.cooldown) return RtLoadChange::kNone;
  realtime_ = true;
  return RtLoadChange::kPromote;
}

void RtLoadGuard::change_failed(double now) {
  if (realtime_) {  // a promotion failed
    realtime_ = false;
    quiet_since_ = now;
  } else {  // a demotion failed: still real-time, and it will stay so
    realtime_ = true;
    enabled_ = false;
  }
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace allo
