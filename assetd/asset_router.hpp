// The asset logic of the place's channel 2, as pure logic: no sockets, no
// clock (callers pass `now` in seconds), no threads. The daemon feeds it what
// arrives over the place link and forwards what it emits.
//
// - Requests (mid 1) are served from the cache when it holds the asset (hit),
//   else fetched (miss): the agent owning the published_by entity is asked
//   first (the place resolves it into `hint`), then every other agent in join
//   order. Concurrent requests for one asset share one fetch. A source that is
//   silent for source_timeout seconds, fails, leaves or sends a bad chunk is
//   dropped for the next one; when none is left every waiter gets a failure.
// - Data (mid 2) from agents is staged per (source, asset) and verified
//   against the id's hash before it is stored or forwarded; a mismatch is
//   counted and that source is never asked for that asset again. Data nobody
//   asked for is a push (cache warm-up), stored when the cache admits it.
// - Replies go out through a DeliveryQueue: per-agent windows of unacknowledged
//   bytes, credited by delivered().
// - Without a cache (nullptr: budget 0) every request is a fetch and the
//   verified bytes live only until they are delivered.
// Not thread-safe: call everything from one thread.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "assetd/asset_assembly.hpp"
#include "assetd/asset_cache.hpp"
#include "assetd/delivery_queue.hpp"

namespace allo::assetd {

struct RouterConfig {
  uint64_t max_asset_size = 64ull << 20;
  uint32_t chunk_bytes = 64 * 1024;    // asset bytes per data frame sent
  uint64_t window_bytes = 256 * 1024;  // per-agent unacknowledged bytes
  double source_timeout = 5.0;         // seconds without progress from a source
  size_t max_pushes_per_agent = 4;     // unprompted uploads staged at once
};

// Monotonic counters for metrics; read with AssetRouter::stats().
struct RouterStats {
  uint64_t hits = 0, misses = 0, coalesced = 0, warmups = 0;
  uint64_t upstream_requests = 0, source_timeouts = 0;
  uint64_t bytes_ingested = 0, hash_mismatches = 0, pushes_stored = 0;
  uint64_t failures_sent = 0;
  std::map<std::string, uint64_t> rejected;  // malformed or unexpected input, by reason
};

class AssetRouter : DeliverySink {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void send_to_agent(AgentId agent, std::vector<uint8_t> frame) = 0;
    // A fetch ended: the asset arrived verified (found) or nobody had it.
    virtual void fetch_finished(const std::string& /*id*/, double /*seconds*/, bool /*found*/) {}
  };

  // `cache` may be null (no cache); it and `listener` must outlive the router.
  AssetRouter(RouterConfig config, AssetCache* cache, Listener& listener);
  ~AssetRouter() override;

  void agent_joined(AgentId agent);
  void agent_left(AgentId agent, double now);
  // A channel-2 frame from `agent`; `hint` is the agent owning the request's
  // published_by entity (0 when unknown).
  void frame_from_agent(AgentId agent, AgentId hint, std::span<const uint8_t> frame, double now);
  // The place saw `asset_id` in a component of an entity `owner` owns.
  void asset_referenced(AgentId owner, const std::string& asset_id, double now);
  // The place reports `bytes` of frames to `agent` delivered.
  void delivered(AgentId agent, uint64_t bytes);
  // Times out silent sources.
  void tick(double now);

  const RouterStats& stats() const { return stats_; }
  uint64_t bytes_served() const { return deliveries_.bytes_sent(); }
  size_t fetches_in_progress() const { return fetches_.size(); }
  const DeliveryQueue& deliveries() const { return deliveries_; }

 private:
  struct Waiter {
    AgentId agent;
    proto::AssetRange range;
  };
  struct Fetch {
    proto::AssetId parsed;
    std::vector<Waiter> waiters;
    std::vector<AgentId> candidates;  // sources still to ask, in order
    AgentId source = 0;               // the source being asked
    double deadline = 0;
    double started = 0;
  };
  using AssemblyKey = std::pair<AgentId, std::string>;

  void on_request(AgentId agent, AgentId hint, const proto::AssetRequest& request, double now);
  void on_data(AgentId agent, const proto::AssetData& data, double now);
  void on_failure(AgentId agent, const proto::AssetFailure& failure, double now);
  void start_fetch(const std::string& id, proto::AssetId parsed, std::vector<AgentId> candidates,
                   double now);
  void ask_next_source(const std::string& id, double now);
  void finish_fetch(const std::string& id, std::shared_ptr<const std::vector<uint8_t>> bytes,
                    double now);
  void fail_fetch(const std::string& id, const std::string& code, const std::string& reason,
                  double now);
  void ingest_verified(AgentId source, const std::string& id,
                       std::shared_ptr<const std::vector<uint8_t>> bytes, double now);
  void serve(AgentId agent, const std::string& id, proto::AssetRange range, uint64_t total,
             std::shared_ptr<const std::vector<uint8_t>> buffer);
  void send_failure(AgentId agent, const std::string& id, const std::string& code,
                    const std::string& reason);
  void reject_frame(AgentId agent, std::span<const uint8_t> bytes, const proto::Error& error);
  void reject(AgentId agent, const proto::AssetFrame* frame, const proto::Error& error);
  bool is_blacklisted(const std::string& id, AgentId agent) const;
  size_t staged_by(AgentId agent) const;

  // DeliverySink
  proto::Result<std::vector<uint8_t>> read_cached(const std::string& id, uint64_t start,
                                                  uint64_t count) override;
  void send_frame(AgentId agent, std::vector<uint8_t> frame) override;
  void delivery_ended(AgentId agent, const Delivery& delivery, bool ok) override;

  RouterConfig config_;
  AssetCache* cache_;
  Listener& listener_;
  DeliveryQueue deliveries_;
  std::vector<AgentId> agents_;  // join order
  std::unordered_map<std::string, Fetch> fetches_;
  std::map<AssemblyKey, AssetAssembly> assemblies_;
  std::unordered_map<std::string, std::set<AgentId>> forgers_;
  RouterStats stats_;
};

}  // namespace allo::assetd
