// ReadyFleet: both sides of asset_bench (the SDK fleet and the plain ENet
// baseline's receivers) service only the connections whose sockets have
// data, plus every connection every few milliseconds for ENet's timers
// (acknowledgements, resends), and wait on the sockets when nothing is
// ready. A spinning sweep over 50 hosts would cost 50 syscalls per turn and
// take the CPU that the daemons (or the baseline's sender) need on a 2-core
// machine.
#pragma once

#include <poll.h>

#include <functional>
#include <vector>

#include "common/mono_clock.hpp"

namespace allo::bench {

class ReadyFleet {
 public:
  // `service(i)` runs connection i until it has nothing more to do.
  ReadyFleet(std::vector<int> fds, std::function<void(size_t)> service)
      : service_(std::move(service)) {
    for (int fd : fds) fds_.push_back({fd, POLLIN, 0});
  }

  // One turn: waits up to 1 ms for data, services the ready connections,
  // and all of them when the last full sweep is over 5 ms old.
  void turn() {
    (void)poll(fds_.data(), fds_.size(), 1);
    const double now = mono_seconds();
    const bool all = now >= next_sweep_;
    if (all) next_sweep_ = now + 0.005;
    for (size_t i = 0; i < fds_.size(); ++i) {
      if (all || (fds_[i].revents & POLLIN)) service_(i);
    }
  }

 private:
  std::vector<pollfd> fds_;
  std::function<void(size_t)> service_;
  double next_sweep_ = 0;
};

}  // namespace allo::bench
