// The daemons' shutdown flag: SIGINT and SIGTERM set it (the event loops
// check it every iteration and stop cleanly); SIGPIPE is ignored, so a closed
// socket is an error return, not a dead process. Call once, from main.
#pragma once

#include <atomic>
#include <csignal>

namespace allo {

inline const std::atomic<bool>& install_stop_signals() {
  static std::atomic<bool> stop{false};
  static_assert(std::atomic<bool>::is_always_lock_free);  // safe in a handler
  auto on_signal = [](int) { stop.store(true); };
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  return stop;
}

}  // namespace allo
