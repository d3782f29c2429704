// Reading the scheduling policy of another process's threads from /proc, and
// whether this process may use real-time scheduling at all: for the tests of
// the daemons' --rt-priority.
#pragma once

#include <sched.h>  // SCHED_OTHER, SCHED_RR for the policy field
#include <sys/types.h>

#include <string>
#include <vector>

namespace allo::testing {

struct ThreadSched {
  pid_t tid = 0;
  std::string name;     // /proc/PID/task/TID/comm
  int policy = 0;       // SCHED_OTHER, SCHED_RR, ...
  int rt_priority = 0;  // 0 outside SCHED_RR/SCHED_FIFO
};

// Every thread of `pid` (empty when it is gone).
std::vector<ThreadSched> thread_scheds(pid_t pid);

// The threads of `pid` under SCHED_RR at `priority`.
size_t round_robin_threads(pid_t pid, int priority);
// The threads of `pid` under any policy but SCHED_OTHER.
size_t real_time_threads(pid_t pid);

// Whether a thread of this process is allowed SCHED_RR at `priority` (tried
// on a short-lived thread; root, CAP_SYS_NICE or an RTPRIO limit).
bool may_use_round_robin(int priority);

}  // namespace allo::testing
