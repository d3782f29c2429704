// allo-assetd's Prometheus metrics. Counters the router keeps as plain
// numbers are published as deltas by publish(); fetch durations and commit
// outcomes are recorded as they happen. Thread-safe as prometheus-cpp is
// (commit outcomes arrive on the store's writer thread).
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <string>

#include "assetd/asset_router.hpp"
#include "assetd/asset_store.hpp"

namespace allo::assetd {

class AssetdMetrics {
 public:
  explicit AssetdMetrics(prometheus::Registry& registry);

  // Publishes what changed in the router's counters since the last call, and
  // the store's size gauges (`store` may be null: no cache).
  void publish(const AssetRouter& router, const StoreStats* store);
  void fetch_finished(double seconds, bool found);
  void commit_finished(const CommitResult& result);
  void link_rejected(const std::string& reason);
  void set_link(bool connected, size_t agents);

 private:
  void add(prometheus::Counter& counter, uint64_t now, uint64_t& last);

  prometheus::Registry& registry_;
  prometheus::Family<prometheus::Counter>& rejected_;
  prometheus::Family<prometheus::Counter>& commits_;
  prometheus::Counter &hits_, &misses_, &coalesced_, &bytes_served_, &bytes_ingested_;
  prometheus::Counter &hash_mismatches_, &evictions_, &upstream_requests_, &source_timeouts_;
  prometheus::Family<prometheus::Histogram>& fetch_family_;
  prometheus::Histogram &fetch_found_, &fetch_not_found_;
  prometheus::Gauge &store_entries_, &data_bytes_, &in_use_bytes_, &budget_bytes_,
      &hard_limit_bytes_;
  prometheus::Gauge &map_bytes_, &readers_used_, &readers_max_, &link_connected_, &agents_;
  uint64_t last_hits_ = 0, last_misses_ = 0, last_coalesced_ = 0, last_served_ = 0;
  uint64_t last_ingested_ = 0, last_mismatches_ = 0, last_evictions_ = 0, last_upstream_ = 0;
  uint64_t last_timeouts_ = 0;
  std::map<std::string, uint64_t> last_rejected_;
};

}  // namespace allo::assetd
