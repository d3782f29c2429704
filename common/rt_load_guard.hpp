// Keeps a real-time event loop from holding a core it saturates.
//
// Under SCHED_RR a loop preempts every normal-priority process the moment it
// wakes: that is what it is for while it mostly sleeps in poll(). The place's
// loop, though, also runs work whose cost clients choose (state, JSON, ACL
// rules); a flood of it would let clients take a core away from everything
// else on the machine at real-time priority. The guard measures the loop
// thread's CPU time over windows of `window` seconds. When a window's load
// (CPU seconds per wall-clock second) is above `max_load`, the loop goes back
// to normal scheduling; it returns to real time after `cooldown` seconds in
// which no window was above half of `max_load`.
//
// RtLoadGuard is the policy alone (made-up clocks in its tests); the system
// calls are thread_cpu_seconds() here and make_thread_realtime() /
// make_thread_normal() in common/realtime.hpp.
#pragma once

namespace allo {

struct RtLoadOptions {
  double max_load = 0.75;  // of one core, over one window
  double window = 1.0;     // seconds
  double cooldown = 10.0;  // seconds at or below max_load / 2 before going back
};

enum class RtLoadChange { kNone, kDemote, kPromote };

class RtLoadGuard {
 public:
  // `realtime`: whether the thread got its real-time priority. A guard that
  // starts without it only measures (load()) and never asks for a change.
  RtLoadGuard(RtLoadOptions options, bool realtime, double now, double cpu);

  // When end_window() is next due (monotonic seconds).
  double next_check() const { return window_end_; }

  // Closes the window at `now` with the thread's CPU time `cpu` and says what
  // the caller should do. kDemote and kPromote are assumed done; call
  // change_failed() when one could not be carried out: after a failed
  // promotion the guard asks again after another cooldown; after a failed
  // demotion (the thread cannot lower its own policy, so nothing will change)
  // it stops asking and only measures.
  RtLoadChange end_window(double now, double cpu);
  void change_failed(double now);

  const RtLoadOptions& options() const { return options_; }

  double load() const { return load_; }  // of the last window
  bool realtime() const { return realtime_; }

 private:
  RtLoadOptions options_;
  bool enabled_;
  bool realtime_;
  double window_start_, window_cpu_, window_end_;
  double quiet_since_ = 0;  // demoted: start of the current run of quiet windows
  double load_ = 0;
};

// CPU time the calling thread has used, in seconds (CLOCK_THREAD_CPUTIME_ID).
double thread_cpu_seconds();

}  // namespace allo
