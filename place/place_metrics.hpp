// The place core's Prometheus metrics. Child metrics are created once and
// kept; label values are low-cardinality (official command names, "other").
// Not thread-safe to call (event loop only); scraping is thread-safe.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <string>
#include <string_view>

namespace allo::place {

class PlaceMetrics {
 public:
  explicit PlaceMetrics(prometheus::Registry& registry);

  // An interaction handled; command is the body's first element, mapped to
  // "other" unless official; result is "ok", "forwarded", "dropped" or an error code.
  void interaction(std::string_view type, std::string_view command, std::string_view result);
  // Bad input: dropped or answered with an error.
  void rejected(std::string_view reason);
  void state_sent(bool full_set, size_t bytes, size_t packets);
  // One tick's state flow control: clients held back, probes sent.
  void state_flow(size_t held, size_t probes);

  prometheus::Gauge& agents_connected;
  prometheus::Gauge& agents_announced;
  prometheus::Gauge& entities;
  prometheus::Gauge& revision;
  prometheus::Gauge& pending_requests;
  prometheus::Gauge& rt_priority;
  prometheus::Gauge& loop_load;
  prometheus::Counter& rt_demotions;
  prometheus::Histogram& tick_duration;
  prometheus::Histogram& loop_pass;
  prometheus::Counter& clock_replies;
  prometheus::Counter& intents;
  prometheus::Counter& state_patches_built;
  prometheus::Gauge& state_clients_held;
  prometheus::Counter& state_held;
  prometheus::Counter& state_probes;

 private:
  prometheus::Family<prometheus::Counter>& interactions_;
  prometheus::Family<prometheus::Counter>& rejected_;
  prometheus::Family<prometheus::Counter>& state_bytes_;
  prometheus::Family<prometheus::Counter>& state_packets_;
  std::map<std::string, prometheus::Counter*, std::less<>> interaction_children_;
  std::map<std::string, prometheus::Counter*, std::less<>> rejected_children_;
  prometheus::Counter* set_bytes_;
  prometheus::Counter* merge_bytes_;
  prometheus::Counter* set_packets_;
  prometheus::Counter* merge_packets_;
};

}  // namespace allo::place
