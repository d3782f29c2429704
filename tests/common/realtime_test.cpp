#include "common/realtime.hpp"

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <thread>

namespace allo {
namespace {

TEST(RealTime, PrioritiesOutsideTheRangeAreRefusedWithTheRange) {
  for (int priority : {0, -1, 100}) {
    auto refused = make_thread_realtime(priority);
    ASSERT_FALSE(refused) << priority;
    EXPECT_EQ(refused.error().code, "rt_refused");
    EXPECT_NE(refused.error().detail.find("outside 1..99"), std::string::npos);
  }
  EXPECT_EQ(thread_rt_priority(), 0) << "the thread's policy is unchanged";
}

TEST(RealTime, TheThreadGetsRoundRobinAndThreadsItStartsDoNot) {
  int got = -1, child_got = -1, policy = -1;
  std::string refusal;
  std::thread probe([&] {
    auto ok = make_thread_realtime(7);
    if (!ok) {
      refusal = ok.error().detail;
      return;
    }
    got = thread_rt_priority();
    policy = sched_getscheduler(0);
    std::thread child([&] { child_got = thread_rt_priority(); });
    child.join();
  });
  probe.join();
  if (!refusal.empty()) GTEST_SKIP() << "this machine refuses SCHED_RR here: " << refusal;
  EXPECT_EQ(got, 7);
  EXPECT_EQ(policy & ~SCHED_RESET_ON_FORK, SCHED_RR);
  EXPECT_NE(policy & SCHED_RESET_ON_FORK, 0) << "set so that new threads start normal";
  EXPECT_EQ(child_got, 0) << "a thread started from a real-time thread runs at normal priority";
  EXPECT_EQ(thread_rt_priority(), 0) << "only the calling thread changed";
}

TEST(RealTime, ARefusalSaysHowToAllowIt) {
  // A child without the privilege: no RTPRIO limit, and (when the test runs
  // as root) no longer root, which drops CAP_SYS_NICE.
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(pipe_fds[0]);
    rlimit none{0, 0};
    setrlimit(RLIMIT_RTPRIO, &none);
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(3);
    auto refused = make_thread_realtime(5);
    if (refused) _exit(4);  // still privileged (CAP_SYS_NICE without root)
    const std::string& detail = refused.error().detail;
    (void)!write(pipe_fds[1], detail.data(), detail.size());
    _exit(0);
  }
  close(pipe_fds[1]);
  std::string detail;
  char buffer[512];
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) > 0;) detail.append(buffer, n);
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 3) GTEST_SKIP() << "root here cannot become nobody (a user namespace)";
  if (WEXITSTATUS(status) == 4) GTEST_SKIP() << "this process keeps CAP_SYS_NICE without root";
  ASSERT_EQ(WEXITSTATUS(status), 0);
  EXPECT_NE(detail.find("SCHED_RR priority 5 refused"), std::string::npos) << detail;
  EXPECT_NE(detail.find("an RTPRIO limit of at least 5 (it is 0"), std::string::npos) << detail;
  EXPECT_NE(detail.find("LimitRTPRIO="), std::string::npos) << detail;
}

TEST(RealTime, TheThreadLeavesRealTimeAndComesBack) {
  // What alloplace's load guard does. In a child: where it can, as alloplace's
  // unit runs it (an RTPRIO limit of 5, no capability: nobody, which drops
  // CAP_SYS_NICE when the test runs as root); where the limit cannot be
  // raised (no CAP_SYS_RESOURCE, as in some containers), with the privilege
  // this process has. Exit status: 0 done unprivileged, 1 done privileged,
  // 2 no SCHED_RR at all, 3 cannot become nobody, 4 still privileged as
  // nobody; 10 + step for a failed step.
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    rlimit five{5, 5};
    const bool unprivileged = setrlimit(RLIMIT_RTPRIO, &five) == 0;
    if (unprivileged) {
      if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(3);
      if (make_thread_realtime(6)) _exit(4);
    }
    if (!make_thread_realtime(5)) _exit(unprivileged ? 10 : 2);
    if (thread_rt_priority() != 5) _exit(11);
    if (!make_thread_normal() || thread_rt_priority() != 0) _exit(12);
    const int policy = sched_getscheduler(0);
    if ((policy & ~SCHED_RESET_ON_FORK) != SCHED_OTHER) _exit(13);
    if ((policy & SCHED_RESET_ON_FORK) == 0) _exit(14);
    if (!make_thread_realtime(5) || thread_rt_priority() != 5) _exit(15);
    _exit(unprivileged ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  const int code = WEXITSTATUS(status);
  if (code == 2) GTEST_SKIP() << "this machine refuses SCHED_RR here";
  if (code == 3) GTEST_SKIP() << "root here cannot become nobody (a user namespace)";
  if (code == 4) GTEST_SKIP() << "this process keeps CAP_SYS_NICE without root";
  RecordProperty("with_only_rtprio_limit", code == 0 ? "yes" : "no (no CAP_SYS_RESOURCE)");
  EXPECT_TRUE(code == 0 || code == 1)
      << "step " << code - 10
      << " failed (0: SCHED_RR 5 refused, 1: wrong priority, 2: back to SCHED_OTHER refused, 3: "
         "not SCHED_OTHER, 4: reset-on-fork lost, 5: SCHED_RR 5 refused the second time)";
}

}  // namespace
}  // namespace allo
