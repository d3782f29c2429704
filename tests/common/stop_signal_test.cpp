#include "common/stop_signal.hpp"

#include <gtest/gtest.h>

#include <csignal>

namespace allo {
namespace {

TEST(StopSignals, TermSetsTheFlagAndPipeIsIgnored) {
  const std::atomic<bool>& stop = install_stop_signals();
  EXPECT_FALSE(stop.load());
  std::raise(SIGPIPE);  // ignored: the process lives on
  EXPECT_FALSE(stop.load());
  std::raise(SIGTERM);
  EXPECT_TRUE(stop.load());
  EXPECT_EQ(&install_stop_signals(), &stop);  // one flag per process
}

}  // namespace
}  // namespace allo
