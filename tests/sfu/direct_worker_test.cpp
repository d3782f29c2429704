#include "sfu/direct_worker.hpp"

#include <enet/enet.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <chrono>
#include <thread>

namespace allo::sfu {
namespace {

using namespace std::chrono_literals;

class DirectWorkerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_EQ(enet_initialize(), 0); }
  static void TearDownTestSuite() { enet_deinitialize(); }

  prometheus::Registry registry;
  SfuMetrics metrics{registry, 1};
  PacketMesh mesh{1, 64};
  SfuConfig config;
  DirectWorker worker{0, config, Endpoint{"127.0.0.1", 0}, mesh, metrics};
};

TEST_F(DirectWorkerTest, AControlEventWakesASleepingWorker) {
  // With no peers and no packets, the worker sleeps up to kMaxIdleWaitMs at a
  // time and nothing else wakes it: the wake-ups counted are the pushes'.
  worker.start();
  const auto deadline = std::chrono::steady_clock::now() + 3s;
  while (mesh.wake(0).wakeups() == 0 && std::chrono::steady_clock::now() < deadline) {
    ASSERT_TRUE(worker.push_control(PositionsUpdated{}));
    std::this_thread::sleep_for(2ms);  // pacing the pushes, not a synchronisation
  }
  worker.stop();
  EXPECT_GT(mesh.wake(0).wakeups(), 0u);
}

TEST_F(DirectWorkerTest, AWorkerWithoutListenersTakesPacketsAtItsTimerNotByWakeUps) {
  worker.start();
  // Its first selection pass finds no listener: pushes stop waking it.
  const auto deadline = std::chrono::steady_clock::now() + 3s;
  while (mesh.urgent(0) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);  // pacing the polls of the flag
  }
  ASSERT_FALSE(mesh.urgent(0));
  // This thread plays the link thread, the ring's one producer.
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(mesh.broadcast(
                  mesh.link_thread(),
                  PacketRef::create(std::vector<uint8_t>{0, 0, 0, 9, 0xF8, '\n'}, 9, -20.0f, 0)),
              0u);
  }
  while (mesh.depth(0) > 0 && std::chrono::steady_clock::now() < deadline + 3s) {
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(mesh.depth(0), 0u) << "taken for the levels at a timer";
  worker.stop();
  EXPECT_EQ(mesh.wake(0).wakeups(), 0u);
}

}  // namespace
}  // namespace allo::sfu
