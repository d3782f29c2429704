// The real-time load guard's policy with made-up clocks, and the thread CPU
// clock it reads.
#include "common/rt_load_guard.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace allo {
namespace {

constexpr RtLoadOptions kOptions{.max_load = 0.5, .window = 1.0, .cooldown = 10.0};

TEST(RtLoadGuard, WindowsMeasureCpuPerWallSecond) {
  RtLoadGuard guard(kOptions, true, 100.0, 3.0);
  EXPECT_DOUBLE_EQ(guard.next_check(), 101.0);
  EXPECT_EQ(guard.end_window(102.0, 3.5), RtLoadChange::kNone);  // 0.5 s over 2 s
  EXPECT_DOUBLE_EQ(guard.load(), 0.25);
  EXPECT_DOUBLE_EQ(guard.next_check(), 103.0);
  EXPECT_EQ(guard.end_window(102.0, 4.0), RtLoadChange::kNone) << "no time passed: no window";
  EXPECT_DOUBLE_EQ(guard.load(), 0.25);
}

TEST(RtLoadGuard, AtTheLimitStaysRealTimeAboveItDemotes) {
  RtLoadGuard guard(kOptions, true, 0.0, 0.0);
  EXPECT_EQ(guard.end_window(1.0, 0.5), RtLoadChange::kNone);
  EXPECT_TRUE(guard.realtime());
  EXPECT_EQ(guard.end_window(2.0, 1.1), RtLoadChange::kDemote);
  EXPECT_FALSE(guard.realtime());
  EXPECT_DOUBLE_EQ(guard.load(), 0.6);
  EXPECT_EQ(guard.end_window(3.0, 2.0), RtLoadChange::kNone) << "already demoted";
}

TEST(RtLoadGuard, PromotesAfterACooldownOfQuietWindowsOnly) {
  // CPU figures are sums of binary fractions, so the loads are exact.
  RtLoadGuard guard(kOptions, true, 0.0, 0.0);
  double cpu = 0.75;
  ASSERT_EQ(guard.end_window(1.0, cpu), RtLoadChange::kDemote);
  // Quiet (at most max_load / 2, exactly 0.25 here) from t=1 ...
  for (int t = 2; t <= 5; ++t) EXPECT_EQ(guard.end_window(t, cpu += 0.25), RtLoadChange::kNone);
  EXPECT_DOUBLE_EQ(guard.load(), 0.25);
  // ... until a window above half the limit (but below the limit) starts it again.
  EXPECT_EQ(guard.end_window(6.0, cpu += 0.375), RtLoadChange::kNone);
  for (int t = 7; t < 16; ++t) {
    EXPECT_EQ(guard.end_window(t, cpu += 0.125), RtLoadChange::kNone) << "t=" << t;
  }
  EXPECT_FALSE(guard.realtime());
  EXPECT_EQ(guard.end_window(16.0, cpu += 0.125), RtLoadChange::kPromote);
  EXPECT_TRUE(guard.realtime());
  EXPECT_EQ(guard.end_window(17.0, cpu += 0.75), RtLoadChange::kDemote) << "and can leave again";
}

TEST(RtLoadGuard, AFailedPromotionIsAskedForAfterAnotherCooldown) {
  RtLoadGuard guard(kOptions, true, 0.0, 0.0);
  ASSERT_EQ(guard.end_window(1.0, 0.75), RtLoadChange::kDemote);
  for (int t = 2; t < 11; ++t) ASSERT_EQ(guard.end_window(t, 0.75), RtLoadChange::kNone);
  ASSERT_EQ(guard.end_window(11.0, 0.75), RtLoadChange::kPromote);
  guard.change_failed(11.0);
  EXPECT_FALSE(guard.realtime());
  for (int t = 12; t < 21; ++t) ASSERT_EQ(guard.end_window(t, 0.75), RtLoadChange::kNone) << t;
  EXPECT_EQ(guard.end_window(21.0, 0.75), RtLoadChange::kPromote);
}

TEST(RtLoadGuard, AFailedDemotionStopsTheGuardWhichKeepsMeasuring) {
  RtLoadGuard guard(kOptions, true, 0.0, 0.0);
  ASSERT_EQ(guard.end_window(1.0, 0.75), RtLoadChange::kDemote);
  guard.change_failed(1.0);
  EXPECT_TRUE(guard.realtime()) << "it could not leave real time";
  EXPECT_EQ(guard.end_window(2.0, 1.5), RtLoadChange::kNone) << "asked once, not every second";
  EXPECT_DOUBLE_EQ(guard.load(), 0.75);
}

TEST(RtLoadGuard, WithoutRealTimeItOnlyMeasures) {
  RtLoadGuard guard(kOptions, false, 0.0, 0.0);
  EXPECT_EQ(guard.end_window(1.0, 1.0), RtLoadChange::kNone);
  EXPECT_DOUBLE_EQ(guard.load(), 1.0);
  for (int t = 2; t < 30; ++t) EXPECT_EQ(guard.end_window(t, 1.0), RtLoadChange::kNone);
  EXPECT_FALSE(guard.realtime());
}

TEST(ThreadCpuSeconds, CountsThisThreadsWork) {
  const double start = thread_cpu_seconds();
  const auto wall_start = std::chrono::steady_clock::now();
  volatile unsigned sink = 0;
  while (thread_cpu_seconds() - start < 0.02) {
    for (int i = 0; i < 10000; ++i) sink = sink + i;
    ASSERT_LT(std::chrono::steady_clock::now() - wall_start, std::chrono::seconds(10));
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  EXPECT_GE(wall + 1e-3, thread_cpu_seconds() - start) << "no more CPU than wall time";
}

TEST(ThreadCpuSeconds, DoesNotCountOtherThreadsOrTimeSpentBlocked) {
  const double start = thread_cpu_seconds();
  double worker_used = 0;
  std::thread worker([&] {
    const double mine = thread_cpu_seconds();
    volatile unsigned sink = 0;
    while (thread_cpu_seconds() - mine < 0.05) {
      for (int i = 0; i < 10000; ++i) sink = sink + i;
    }
    worker_used = thread_cpu_seconds() - mine;
  });
  worker.join();  // this thread blocks meanwhile
  EXPECT_GE(worker_used, 0.05);
  EXPECT_LT(thread_cpu_seconds() - start, 0.01) << "the other thread's 50 ms are not this thread's";
}

}  // namespace
}  // namespace allo
