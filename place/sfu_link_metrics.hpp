// The place's view of its SFU link, for Prometheus: whether the link is up,
// how often it came up, and the load the SFU last reported. Child metrics are
// created once. Setters are called from the event loop; scraping is thread-safe.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "proto/sfu_link.hpp"

namespace allo::place {

class SfuLinkMetrics {
 public:
  explicit SfuLinkMetrics(prometheus::Registry& registry);

  // alloplace_sfu_link_up (0/1); each change to up counts alloplace_sfu_link_ups_total.
  void set_link_up(bool up);
  // alloplace_sfu_load{field=...}: the SFU's last load report (its totals are
  // copied as gauges: they restart at 0 when the SFU does).
  void set_load(const proto::sfu_link::LoadReport& load);

 private:
  prometheus::Gauge& up_;
  prometheus::Counter& ups_;
  prometheus::Family<prometheus::Gauge>& load_;
  prometheus::Gauge& workers_;
  prometheus::Gauge& tracks_;
  prometheus::Gauge& listeners_;
  prometheus::Gauge& packets_in_;
  prometheus::Gauge& packets_out_;
  prometheus::Gauge& packets_dropped_;
};

}  // namespace allo::place
