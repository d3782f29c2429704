#include "common/realtime.hpp"

#include <sched.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/log.hpp"

namespace allo {

proto::Result<void> make_thread_realtime(int priority) {
  if (priority < 1 || priority > kMaxRtPriority) {
    return proto::fail("rt_refused", "real-time priority " + std::to_string(priority) +
                                         " is outside 1.." + std::to_string(kMaxRtPriority));
  }
  sched_param param{};
  param.sched_priority = priority;
  // pid 0: the calling thread (Linux schedules threads, not processes).
  if (sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, &param) == 0) return {};
  const int error = errno;
  std::string detail =
      "SCHED_RR priority " + std::to_string(priority) + " refused (" + std::strerror(error) + ")";
  if (error == EPERM) {
    rlimit limit{};
    const bool known = getrlimit(RLIMIT_RTPRIO, &limit) == 0;
    if (known && (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= rlim_t(priority))) {
      // The limit allows it: something else said no (a systemd unit's
      // RestrictRealtime= or syscall filter answers EPERM too).
      detail +=
          ": the RTPRIO limit allows it, so a seccomp filter (systemd: RestrictRealtime=, "
          "SystemCallFilter=) or the cgroup's real-time budget refuses it";
    } else {
      detail += ": needs CAP_SYS_NICE or an RTPRIO limit of at least " + std::to_string(priority) +
                " (it is " + (known ? std::to_string(limit.rlim_cur) : std::string("unknown")) +
                "; systemd: LimitRTPRIO=, a shell: ulimit -r)";
    }
  }
  return proto::fail("rt_refused", detail);
}

proto::Result<void> make_thread_normal() {
  sched_param param{};
  if (sched_setscheduler(0, SCHED_OTHER | SCHED_RESET_ON_FORK, &param) == 0) return {};
  return proto::fail("rt_refused",
                     std::string("SCHED_OTHER refused (") + std::strerror(errno) + ")");
}

int apply_rt_priority(int priority, std::string_view who) {
  if (priority <= 0) return 0;
  if (auto ok = make_thread_realtime(priority); !ok) {
    log::warn("{}: {}; it runs at normal priority", who, ok.error().detail);
    return 0;
  }
  log::info("{}: under SCHED_RR priority {}", who, priority);
  return priority;
}

int thread_rt_priority() {
  const int policy = sched_getscheduler(0) & ~SCHED_RESET_ON_FORK;
  if (policy != SCHED_RR && policy != SCHED_FIFO) return 0;
  sched_param param{};
  return sched_getparam(0, &param) == 0 ? param.sched_priority : 0;
}

}  // namespace allo
