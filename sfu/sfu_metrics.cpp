#include "sfu/sfu_metrics.hpp"

#include <string>

namespace allo::sfu {

struct SfuMetrics::PerThread {
  prometheus::Counter* packets_in;
  prometheus::Counter* bytes_in;
  prometheus::Counter* packets_out;
  prometheus::Counter* bytes_out;
  prometheus::Counter* selection_changes;
  prometheus::Counter* levels_decoded;
  std::vector<prometheus::Counter*> drops;
  prometheus::Histogram* fanout;
  prometheus::Histogram* latency;
  prometheus::Gauge* queue_depth;
  prometheus::Gauge* listeners;
  // Last published scalar values (only the owning thread touches them).
  uint64_t last_in = 0, last_bytes_in = 0, last_out = 0, last_bytes_out = 0, last_changes = 0,
           last_decoded = 0;
  std::array<uint64_t, static_cast<size_t>(DropReason::kCount)> last_drops{};
  // Totals for the load report, read by the link thread.
  std::atomic<uint64_t> total_in{0}, total_out{0}, total_dropped{0}, total_listeners{0};
};

SfuMetrics::SfuMetrics(prometheus::Registry& registry, size_t worker_count) {
  using namespace prometheus;
  auto& packets_in = BuildCounter()
                         .Name("allo_sfu_packets_in_total")
                         .Help("Media packets accepted")
                         .Register(registry);
  auto& bytes_in = BuildCounter()
                       .Name("allo_sfu_bytes_in_total")
                       .Help("Media bytes accepted")
                       .Register(registry);
  auto& packets_out = BuildCounter()
                          .Name("allo_sfu_packets_out_total")
                          .Help("Media packets handed to a listener's transport")
                          .Register(registry);
  auto& bytes_out = BuildCounter()
                        .Name("allo_sfu_bytes_out_total")
                        .Help("Media bytes handed to listeners")
                        .Register(registry);
  auto& changes = BuildCounter()
                      .Name("allo_sfu_selection_changes_total")
                      .Help("Changes of a listener's selected speakers")
                      .Register(registry);
  auto& decoded = BuildCounter()
                      .Name("allo_sfu_levels_decoded_total")
                      .Help(
                          "Media packets decoded to measure their level (their senders did not "
                          "put it in the trailer: clients of the seed protocol)")
                      .Register(registry);
  auto& drops = BuildCounter()
                    .Name("allo_sfu_dropped_total")
                    .Help("Media packets dropped, by reason")
                    .Register(registry);
  auto& fanout = BuildHistogram()
                     .Name("allo_sfu_fanout_degree")
                     .Help("Listeners each packet was delivered to, per worker")
                     .Register(registry);
  auto& latency = BuildHistogram()
                      .Name("allo_sfu_forward_latency_seconds")
                      .Help("Arrival to hand-off to the transport (sampled)")
                      .Register(registry);
  auto& depth = BuildGauge()
                    .Name("allo_sfu_queue_depth")
                    .Help("Packets waiting in a thread's inbound rings")
                    .Register(registry);
  auto& listeners = BuildGauge()
                        .Name("allo_sfu_listeners")
                        .Help(
                            "Listeners a thread serves (the link thread: compatible-path listeners "
                            "not on the direct path)")
                        .Register(registry);
  auto& tracks = BuildGauge().Name("allo_sfu_tracks").Help("Registered tracks").Register(registry);
  auto& speakers = BuildGauge()
                       .Name("allo_sfu_speakers")
                       .Help("Tracks that sent audio in the last 300 ms")
                       .Register(registry);
  auto& rt_priority = BuildGauge()
                          .Name("allo_sfu_rt_priority")
                          .Help("SCHED_RR priority of the fan-out threads (0: normal scheduling)")
                          .Register(registry);
  rt_priority_ = &rt_priority.Add({});
  shared_socket_ = &BuildGauge()
                        .Name("allo_sfu_shared_socket")
                        .Help(
                            "1 while the SFU holds the place's public socket and sends "
                            "compatible-path voice itself")
                        .Register(registry)
                        .Add({});
  routes_ = &BuildGauge()
                 .Name("allo_sfu_shared_socket_routes")
                 .Help("Compatible-path agents the SFU can reach through the shared socket")
                 .Register(registry)
                 .Add({});
  tracks_ = &tracks.Add({});
  speakers_ = &speakers.Add({});

  const WorkerStats shape;
  for (size_t t = 0; t <= worker_count; ++t) {
    const std::string name = t == worker_count ? "link" : std::to_string(t);
    const Labels labels{{"worker", name}};
    auto p = std::make_unique<PerThread>();
    p->packets_in = &packets_in.Add(labels);
    p->bytes_in = &bytes_in.Add(labels);
    p->packets_out = &packets_out.Add(labels);
    p->bytes_out = &bytes_out.Add(labels);
    p->selection_changes = &changes.Add(labels);
    p->levels_decoded = &decoded.Add(labels);
    for (size_t r = 0; r < static_cast<size_t>(DropReason::kCount); ++r) {
      p->drops.push_back(
          &drops.Add({{"worker", name},
                      {"reason", std::string(drop_reason_name(static_cast<DropReason>(r)))}}));
    }
    p->fanout = &fanout.Add(labels, shape.fanout_degree.bounds());
    p->latency = &latency.Add(labels, shape.forward_latency_seconds.bounds());
    p->queue_depth = &depth.Add(labels);
    p->listeners = &listeners.Add(labels);
    threads_.push_back(std::move(p));
  }
}

SfuMetrics::~SfuMetrics() = default;

void SfuMetrics::publish(size_t thread, WorkerStats& stats) {
  PerThread& p = *threads_[thread];
  auto add = [](prometheus::Counter* counter, uint64_t now, uint64_t& last) {
    if (now > last) counter->Increment(static_cast<double>(now - last));
    last = now;
  };
  add(p.packets_in, stats.packets_in, p.last_in);
  add(p.bytes_in, stats.bytes_in, p.last_bytes_in);
  add(p.packets_out, stats.packets_out, p.last_out);
  add(p.bytes_out, stats.bytes_out, p.last_bytes_out);
  add(p.selection_changes, stats.selection_changes, p.last_changes);
  add(p.levels_decoded, stats.levels_decoded, p.last_decoded);
  uint64_t dropped = 0;
  for (size_t r = 0; r < p.drops.size(); ++r) {
    add(p.drops[r], stats.drops[r], p.last_drops[r]);
    dropped += stats.drops[r];
  }
  double sum = 0;
  auto fanout = stats.fanout_degree.take_counts(sum);
  p.fanout->ObserveMultiple(fanout, sum);
  auto latency = stats.forward_latency_seconds.take_counts(sum);
  p.latency->ObserveMultiple(latency, sum);
  p.total_in.store(stats.packets_in, std::memory_order_relaxed);
  p.total_out.store(stats.packets_out, std::memory_order_relaxed);
  p.total_dropped.store(dropped, std::memory_order_relaxed);
}

void SfuMetrics::set_queue_depth(size_t thread, size_t depth) {
  threads_[thread]->queue_depth->Set(static_cast<double>(depth));
}

void SfuMetrics::set_listeners(size_t thread, size_t listeners) {
  threads_[thread]->listeners->Set(static_cast<double>(listeners));
  threads_[thread]->total_listeners.store(listeners, std::memory_order_relaxed);
}

void SfuMetrics::set_tracks(size_t tracks) {
  tracks_->Set(static_cast<double>(tracks));
}
void SfuMetrics::set_speakers(size_t speakers) {
  speakers_->Set(static_cast<double>(speakers));
}

void SfuMetrics::set_rt_priority(int priority) {
  rt_priority_->Set(priority);
}

void SfuMetrics::set_shared_socket(bool held, size_t routes) {
  shared_socket_->Set(held ? 1 : 0);
  routes_->Set(static_cast<double>(routes));
}

SfuTotals SfuMetrics::totals() const {
  SfuTotals out;
  for (const auto& p : threads_) {
    out.packets_in += p->total_in.load(std::memory_order_relaxed);
    out.packets_out += p->total_out.load(std::memory_order_relaxed);
    out.packets_dropped += p->total_dropped.load(std::memory_order_relaxed);
    out.listeners += p->total_listeners.load(std::memory_order_relaxed);
  }
  return out;
}

}  // namespace allo::sfu
