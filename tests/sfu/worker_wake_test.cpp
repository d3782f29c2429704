#include "sfu/worker_wake.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "sfu/packet_mesh.hpp"

namespace allo::sfu {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A pipe whose read end never becomes readable stands in for a quiet socket.
class WorkerWakeTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(pipe(pipe_), 0); }
  void TearDown() override {
    close(pipe_[0]);
    close(pipe_[1]);
  }
  int pipe_[2] = {-1, -1};
  WorkerWake wake_;
};

TEST_F(WorkerWakeTest, AWakeFromAnotherThreadEndsTheSleepAtOnce) {
  std::thread producer;
  auto start = Clock::now();
  // The producer starts once the sleep is announced.
  wake_.wait(pipe_[0], 5000, [&] {
    producer = std::thread([&] { wake_.wake(); });
    return false;
  });
  EXPECT_LT(seconds_since(start), 1.0);
  producer.join();
  EXPECT_EQ(wake_.wakeups(), 1u);
}

TEST_F(WorkerWakeTest, AWorkerThatIsAwakeCostsProducersNothing) {
  wake_.wake();  // not sleeping: no write, no wake-up pending
  EXPECT_EQ(wake_.wakeups(), 0u);
  auto start = Clock::now();
  wake_.wait(pipe_[0], 30, [] { return false; });
  EXPECT_GE(seconds_since(start), 0.025);  // the timeout, not a stale wake-up
}

TEST_F(WorkerWakeTest, CancelledSleepIgnoresLaterWakes) {
  wake_.wait(pipe_[0], 5000, [] { return true; });  // work waiting: no sleep
  wake_.wake();
  EXPECT_EQ(wake_.wakeups(), 0u);
}

TEST_F(WorkerWakeTest, TheSocketEndsTheSleepToo) {
  ASSERT_EQ(write(pipe_[1], "x", 1), 1);
  auto start = Clock::now();
  wake_.wait(pipe_[0], 5000, [] { return false; });
  EXPECT_LT(seconds_since(start), 1.0);
}

TEST(PacketMeshWake, BroadcastWakesASleepingDestinationWorker) {
  PacketMesh mesh(2, 8);
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::thread source;
  auto start = Clock::now();
  mesh.wake(1).wait(fds[0], 5000, [&] {
    source = std::thread([&] {
      mesh.broadcast(0, PacketRef::create(std::vector<uint8_t>{1, 2}, 1, 0, 0));
    });
    return false;
  });
  EXPECT_LT(seconds_since(start), 1.0);
  source.join();
  EXPECT_EQ(mesh.depth(1), 1u);
  EXPECT_EQ(mesh.wake(0).wakeups(), 0u);  // the source itself was not woken
  close(fds[0]);
  close(fds[1]);
}

TEST_F(WorkerWakeTest, APacketForADestinationThatIsNotUrgentWaitsWithoutWakingIt) {
  PacketMesh mesh(1, 8);
  mesh.set_urgent(0, false);  // a worker without listeners
  std::thread source;
  auto start = Clock::now();
  mesh.wake(0).wait(pipe_[0], 200, [&] {
    source = std::thread([&] {
      mesh.broadcast(mesh.link_thread(), PacketRef::create(std::vector<uint8_t>{1, 2}, 1, 0, 0));
    });
    return false;
  });
  source.join();
  EXPECT_GE(seconds_since(start), 0.15) << "it slept until its timer";
  EXPECT_EQ(mesh.wake(0).wakeups(), 0u);
  EXPECT_EQ(mesh.depth(0), 1u) << "the packet waits for it";
}

TEST(IdleWaitMs, SleepsUntilTheNextTimerRoundedUp) {
  EXPECT_EQ(idle_wait_ms(0.0, 0.0032), 4);
  EXPECT_EQ(idle_wait_ms(0.0, 0.001), 1);
}

TEST(IdleWaitMs, NeverLongerThanTheCap) {
  EXPECT_EQ(idle_wait_ms(100.0, 100.25), kMaxIdleWaitMs);
  EXPECT_EQ(idle_wait_ms(0.0, 1e12), kMaxIdleWaitMs);
}

TEST(IdleWaitMs, ATimerThatIsDueDoesNotSleep) {
  EXPECT_EQ(idle_wait_ms(100.0, 100.0), 0);
  EXPECT_EQ(idle_wait_ms(100.0, 99.0), 0);
  EXPECT_EQ(idle_wait_ms(100.0, std::nan("")), 0);
}

}  // namespace
}  // namespace allo::sfu
