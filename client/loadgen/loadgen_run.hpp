// LoadgenRun: one bounded allo-loadgen run. It encodes every speaker's
// frames, then runs --threads LoadgenShards (0 = one per core, never more
// than there are clients), each in its own thread with its own clients and
// event loop (loadgen_shard.hpp), and adds up what they measured. One thread
// reading 300k packets a second for 1000 clients could use one core at most,
// and lost it to the real-time daemons on the same two cores while the other
// sat partly idle (docs/SFU.md, "Load generator threads").
// run() blocks for setup + settle + warmup + seconds + 0.5 s drain, then
// the clients' goodbyes (at most 50 ms each, the shards in parallel).
// Errors: "setup_failed", codec errors, "epoll_*" (FleetPoller).
#pragma once

#include <vector>

#include "loadgen_options.hpp"
#include "loadgen_report.hpp"

namespace allo::loadgen {

class LoadgenRun {
 public:
  explicit LoadgenRun(LoadgenOptions options);
  // Errors (first_cause() of the shards'): "setup_failed" (detail: which
  // client and why), codec errors, "epoll_failed", "epoll_ctl_failed",
  // "epoll_wait_failed"; "aborted" only if every failed shard says so.
  proto::Result<LoadgenReport> run();

  // Threads a run uses for `requested` (--threads) and `clients`.
  static uint32_t thread_count(uint32_t requested, uint32_t clients);
  // The shards' outcome as the run's: the first error that is not
  // "aborted" (a shard that stopped because another failed), else the
  // first error, else success.
  static proto::Result<void> first_cause(const std::vector<proto::Result<void>>& results);

 private:
  LoadgenOptions options_;
};

}  // namespace allo::loadgen
