// Real-time scheduling for a daemon's latency-critical threads (the SFU's
// fan-out threads, the place's event loop), as voice servers offer it
// (FreeSWITCH -rp, Asterisk -p, PipeWire's RT threads).
//
// On a busy machine a woken thread can wait milliseconds for a core behind
// normal-priority work; a voice frame then reaches hundreds of listeners
// late. Under SCHED_RR it preempts normal-priority threads at once. The
// kernel still keeps a share for them (sched_rt_runtime_us: 95% of each
// second for real-time threads by default), so a runaway thread slows the
// machine rather than stopping it. SCHED_RESET_ON_FORK is set, so threads and
// processes created afterwards by that thread start at normal priority.
//
// Needs CAP_SYS_NICE or an RTPRIO resource limit of at least the priority
// (systemd: LimitRTPRIO=; a shell: ulimit -r), and no seccomp filter that
// blocks sched_setscheduler (systemd: RestrictRealtime=, @resources).
#pragma once

#include <string_view>

#include "proto/error.hpp"

namespace allo {

inline constexpr int kMaxRtPriority = 99;

// Puts the calling thread on SCHED_RR at `priority` (1..kMaxRtPriority).
// Error "rt_refused" names the priority, the reason and how to allow it.
proto::Result<void> make_thread_realtime(int priority);

// Puts the calling thread back on SCHED_OTHER, keeping SCHED_RESET_ON_FORK
// (an unprivileged thread may lower its policy but not clear that flag).
// Error "rt_refused" with the reason (e.g. a seccomp filter).
proto::Result<void> make_thread_normal();

// The calling thread's SCHED_RR/SCHED_FIFO priority, 0 under any other policy.
int thread_rt_priority();

// A daemon's --rt-priority for the calling thread: nothing when `priority`
// is 0, else make_thread_realtime, logged as granted (info) or refused
// (warning, with the reason) for `who` (e.g. "worker 0").
// Returns the priority the thread now has: `priority`, or 0.
int apply_rt_priority(int priority, std::string_view who);

}  // namespace allo
