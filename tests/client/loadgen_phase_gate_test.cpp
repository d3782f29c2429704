// PhaseGate: allo-loadgen's shard threads meet between setup phases, each
// serving its own clients while it waits, and leave with the same instant;
// an aborted run or a deadline releases the waiters with an error.
#include "phase_gate.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "common/mono_clock.hpp"

namespace allo::loadgen {
namespace {

TEST(PhaseGate, EveryPartyServesUntilTheLastArrivesAndAllLeaveWithItsTime) {
  constexpr uint32_t kParties = 3;
  RunAbort abort;
  PhaseGate gate(kParties, abort);
  std::vector<std::atomic<uint64_t>> turns(kParties);
  std::vector<double> opened(kParties, -1), arrived(kParties, -1);
  std::vector<std::jthread> threads;
  for (uint32_t k = 0; k < kParties; ++k) {
    threads.emplace_back([&, k] {
      if (k == kParties - 1) {
        // Until both early parties have waited a few turns.
        while (turns[0].load() < 3 || turns[1].load() < 3) std::this_thread::yield();
      }
      arrived[k] = mono_seconds();
      auto at = gate.arrive(
          [&, k](double) -> proto::Result<void> {
            ++turns[k];
            return {};
          },
          0.001, mono_seconds() + 30);
      ASSERT_TRUE(at) << at.error().detail;
      opened[k] = *at;
    });
  }
  threads.clear();  // joins
  EXPECT_GE(turns[0].load(), 3u) << "an early party keeps serving while it waits";
  EXPECT_EQ(turns[kParties - 1].load(), 0u) << "the last party does not wait";
  for (uint32_t k = 0; k < kParties; ++k) {
    EXPECT_EQ(opened[k], opened[0]) << "every party leaves with the same instant";
    EXPECT_GE(opened[0], arrived[k]) << "the gate opens at the last arrival";
  }
}

TEST(PhaseGate, TheLastArrivalRunsOnOpenBeforeAnyoneLeaves) {
  RunAbort abort;
  std::atomic<int> opened{0};
  std::atomic<bool> waiting{false};
  PhaseGate gate(2, abort, [&] { opened.fetch_add(1); });
  int seen_by_waiter = -1;
  std::jthread waiter([&] {
    auto at = gate.arrive(
        [&](double) -> proto::Result<void> {
          waiting.store(true);
          return {};
        },
        0.001, mono_seconds() + 30);
    ASSERT_TRUE(at);
    seen_by_waiter = opened.load();
  });
  while (!waiting.load()) std::this_thread::yield();  // so this thread arrives last
  EXPECT_EQ(opened.load(), 0) << "not open with one of two arrived";
  ASSERT_TRUE(
      gate.arrive([](double) -> proto::Result<void> { return {}; }, 0.001, mono_seconds() + 30));
  waiter.join();
  EXPECT_EQ(opened.load(), 1) << "on_open runs once";
  EXPECT_EQ(seen_by_waiter, 1) << "the waiter leaves after it ran";
}

TEST(PhaseGate, AnAbortedRunReleasesTheWaiters) {
  RunAbort abort;
  PhaseGate gate(2, abort);
  uint64_t turns = 0;
  auto at = gate.arrive(
      [&](double) -> proto::Result<void> {
        if (++turns == 5) abort.abort();  // the other shard failed meanwhile
        return {};
      },
      0.001, mono_seconds() + 30);
  ASSERT_FALSE(at);
  EXPECT_EQ(at.error().code, "aborted");
  EXPECT_EQ(turns, 5u);
}

TEST(PhaseGate, AWaiterGivesUpAtItsDeadlineAndAServeErrorIsReturned) {
  RunAbort abort;
  PhaseGate late(2, abort);
  const double start = mono_seconds();
  auto at = late.arrive(
      [](double until) -> proto::Result<void> {
        while (mono_seconds() < until) std::this_thread::yield();
        return {};
      },
      0.005, start + 0.05);
  ASSERT_FALSE(at);
  EXPECT_EQ(at.error().code, "setup_failed");
  EXPECT_GE(mono_seconds() - start, 0.05);

  PhaseGate failing(2, abort);
  auto served = failing.arrive(
      [](double) -> proto::Result<void> { return proto::fail("epoll_wait_failed", "EBADF"); },
      0.001, mono_seconds() + 30);
  ASSERT_FALSE(served);
  EXPECT_EQ(served.error().code, "epoll_wait_failed");
}

}  // namespace
}  // namespace allo::loadgen
