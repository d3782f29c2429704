#include "assetd/assetd_metrics.hpp"

namespace allo::assetd {
namespace {

prometheus::Counter& counter(prometheus::Registry& r, const std::string& name,
                             const std::string& help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(r).Add({});
}

prometheus::Family<prometheus::Gauge>& store_bytes_family(prometheus::Registry& r) {
  return prometheus::BuildGauge()
      .Name("assetd_store_bytes")
      .Help(
          "Store size in bytes of LMDB pages: data (the cache's databases), in_use (the file, "
          "freelist excluded), budget, hard_limit, map")
      .Register(r);
}

prometheus::Gauge& gauge(prometheus::Registry& r, const std::string& name,
                         const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(r).Add({});
}

}  // namespace

AssetdMetrics::AssetdMetrics(prometheus::Registry& r)
    : registry_(r),
      rejected_(prometheus::BuildCounter()
                    .Name("assetd_rejected_total")
                    .Help("Malformed or unexpected input from agents or the link, by reason")
                    .Register(r)),
      commits_(prometheus::BuildCounter()
                   .Name("assetd_commits_total")
                   .Help("Verified assets handed to the store, by outcome")
                   .Register(r)),
      hits_(counter(r, "assetd_hits_total", "Requests served from the cache")),
      misses_(counter(r, "assetd_misses_total", "Requests not in the cache")),
      coalesced_(counter(r, "assetd_coalesced_requests_total",
                         "Requests that joined a fetch already running")),
      bytes_served_(counter(r, "assetd_bytes_served_total", "Asset bytes sent to agents")),
      bytes_ingested_(counter(r, "assetd_bytes_ingested_total", "Verified asset bytes received")),
      hash_mismatches_(counter(r, "assetd_hash_mismatches_total",
                               "Assets received whose bytes did not match their id")),
      evictions_(counter(r, "assetd_evictions_total", "Assets evicted to stay under the budget")),
      upstream_requests_(counter(r, "assetd_upstream_requests_total", "Requests sent to agents")),
      source_timeouts_(counter(r, "assetd_source_timeouts_total", "Sources given up as silent")),
      fetch_family_(prometheus::BuildHistogram()
                        .Name("assetd_fetch_duration_seconds")
                        .Help("Time from a miss to the verified asset (or to giving up)")
                        .Register(r)),
      fetch_found_(
          fetch_family_.Add({{"outcome", "found"}},
                            prometheus::Histogram::BucketBoundaries{0.001, 0.005, 0.01, 0.05, 0.1,
                                                                    0.25, 0.5, 1, 2.5, 5, 10, 30})),
      fetch_not_found_(
          fetch_family_.Add({{"outcome", "not_found"}},
                            prometheus::Histogram::BucketBoundaries{0.001, 0.005, 0.01, 0.05, 0.1,
                                                                    0.25, 0.5, 1, 2.5, 5, 10, 30})),
      store_entries_(gauge(r, "assetd_store_entries", "Assets in the store")),
      data_bytes_(store_bytes_family(r).Add({{"kind", "data"}})),
      in_use_bytes_(store_bytes_family(r).Add({{"kind", "in_use"}})),
      budget_bytes_(store_bytes_family(r).Add({{"kind", "budget"}})),
      hard_limit_bytes_(store_bytes_family(r).Add({{"kind", "hard_limit"}})),
      map_bytes_(store_bytes_family(r).Add({{"kind", "map"}})),
      readers_used_(gauge(r, "assetd_lmdb_readers_used", "LMDB reader slots in use")),
      readers_max_(gauge(r, "assetd_lmdb_readers_max", "LMDB reader slots available")),
      link_connected_(gauge(r, "assetd_link_connected", "1 while a place is connected")),
      agents_(gauge(r, "assetd_agents", "Agents the place reported connected")) {}

void AssetdMetrics::add(prometheus::Counter& c, uint64_t now, uint64_t& last) {
  if (now > last) c.Increment(static_cast<double>(now - last));
  last = now;
}

void AssetdMetrics::publish(const AssetRouter& router, const StoreStats* store) {
  const RouterStats& s = router.stats();
  add(hits_, s.hits, last_hits_);
  add(misses_, s.misses, last_misses_);
  add(coalesced_, s.coalesced, last_coalesced_);
  add(bytes_served_, router.bytes_served(), last_served_);
  add(bytes_ingested_, s.bytes_ingested, last_ingested_);
  add(hash_mismatches_, s.hash_mismatches, last_mismatches_);
  add(upstream_requests_, s.upstream_requests, last_upstream_);
  add(source_timeouts_, s.source_timeouts, last_timeouts_);
  for (const auto& [reason, n] : s.rejected)
    add(rejected_.Add({{"reason", reason}}), n, last_rejected_[reason]);
  if (store != nullptr) {
    add(evictions_, store->evictions, last_evictions_);
    store_entries_.Set(static_cast<double>(store->entries));
    data_bytes_.Set(static_cast<double>(store->data_bytes));
    in_use_bytes_.Set(static_cast<double>(store->in_use_bytes));
    budget_bytes_.Set(static_cast<double>(store->budget_bytes));
    hard_limit_bytes_.Set(static_cast<double>(store->hard_limit_bytes));
    map_bytes_.Set(static_cast<double>(store->map_size));
    readers_used_.Set(store->readers_in_use);
    readers_max_.Set(store->max_readers);
  }
}

void AssetdMetrics::fetch_finished(double seconds, bool found) {
  (found ? fetch_found_ : fetch_not_found_).Observe(seconds);
}

void AssetdMetrics::commit_finished(const CommitResult& result) {
  commits_.Add({{"outcome", to_string(result.outcome)}}).Increment();
}

void AssetdMetrics::link_rejected(const std::string& reason) {
  rejected_.Add({{"reason", "link_" + reason}}).Increment();
}

void AssetdMetrics::set_link(bool connected, size_t agents) {
  link_connected_.Set(connected ? 1 : 0);
  agents_.Set(static_cast<double>(agents));
}

}  // namespace allo::assetd
