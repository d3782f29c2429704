// The SFU's Prometheus metrics. Threads count into their own WorkerStats with
// plain arithmetic and call publish() a few times per second, which adds the
// deltas to the (thread-safe) Prometheus children kept here: the packet path
// never touches Prometheus (whose histograms take a mutex).
//
// Thread-safety: publish(t, ...) and set_*(t, ...) for thread index t only from
// thread t (threads 0..N-1 are workers, N is the link thread); totals() and
// set_tracks/set_speakers from any thread.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <atomic>
#include <memory>
#include <vector>

#include "sfu/worker_stats.hpp"

namespace allo::sfu {

struct SfuTotals {
  uint64_t packets_in = 0;
  uint64_t packets_out = 0;
  uint64_t packets_dropped = 0;
  uint64_t listeners = 0;
};

class SfuMetrics {
 public:
  SfuMetrics(prometheus::Registry& registry, size_t worker_count);
  ~SfuMetrics();

  // Publishes counts since the last call; drains the histograms of `stats`.
  void publish(size_t thread, WorkerStats& stats);
  void set_queue_depth(size_t thread, size_t depth);
  void set_listeners(size_t thread, size_t listeners);
  void set_tracks(size_t tracks);
  void set_speakers(size_t speakers);
  void set_rt_priority(int priority);
  // Link thread: whether it holds the place's public socket, and how many
  // compatible-path agents it can reach through it.
  void set_shared_socket(bool held, size_t routes);
  SfuTotals totals() const;

 private:
  struct PerThread;
  std::vector<std::unique_ptr<PerThread>> threads_;
  prometheus::Gauge* tracks_;
  prometheus::Gauge* speakers_;
  prometheus::Gauge* rt_priority_;
  prometheus::Gauge* shared_socket_;
  prometheus::Gauge* routes_;
};

}  // namespace allo::sfu
