#include "assetd/assetd_daemon.hpp"

#include "common/log.hpp"
#include "common/mono_clock.hpp"

namespace allo::assetd {
namespace {
constexpr uint32_t kPollMillis = 5;
constexpr size_t kMaxEventsPerTick = 1024;
constexpr double kMetricsPeriod = 0.25;
}  // namespace

AssetDaemon::AssetDaemon(const AssetdConfig& config) : config_(config) {}

proto::Result<std::unique_ptr<AssetDaemon>> AssetDaemon::create(const AssetdConfig& config) {
  std::unique_ptr<AssetDaemon> d(new AssetDaemon(config));
  try {
    d->metrics_server_ = std::make_unique<MetricsServer>(config.metrics);
  } catch (const std::exception& e) {
    return proto::fail("bad_config", std::string("metrics: ") + e.what());
  }
  d->metrics_ = std::make_unique<AssetdMetrics>(d->metrics_server_->registry());
  if (config.budget > 0) {
    StoreConfig sc;
    sc.dir = config.db;
    sc.map_size = config.map_size;
    sc.limits = {config.budget, config.hard_limit, config.chunk_bytes};
    AssetdMetrics* metrics = d->metrics_.get();
    sc.on_commit = [metrics](const CommitResult& r) { metrics->commit_finished(r); };
    auto store = AssetStore::open(std::move(sc));
    if (!store) return proto::fail("bad_config", "db: " + store.error().detail);
    d->store_ = std::move(*store);
  } else {
    log::info("budget 0: no cache, assets stream through memory only");
  }
  RouterConfig rc;
  rc.max_asset_size = config.max_asset_size;
  rc.chunk_bytes = config.chunk_bytes;
  rc.window_bytes = config.window_bytes;
  rc.source_timeout = config.source_timeout;
  d->router_ =
      std::make_unique<AssetRouter>(rc, d->store_.get(), static_cast<AssetRouter::Listener&>(*d));
  auto link = LinkServer::open(config.link, static_cast<LinkServer::Listener&>(*d));
  if (!link) return proto::fail("bad_config", "link: " + link.error().detail);
  d->link_ = std::move(*link);
  log::info("listening for the place on {} (db {}, budget {} bytes)", config.link.to_string(),
            config.db.string(), config.budget);
  return d;
}

AssetDaemon::~AssetDaemon() {
  router_.reset();  // unpins before the store goes
  link_.reset();
  store_.reset();  // drains the writer queue
}

void AssetDaemon::run(const std::atomic<bool>& stop) {
  double next_metrics = 0;
  while (!stop.load()) {
    link_->poll(kPollMillis, kMaxEventsPerTick);  // poll + handle
    double now = mono_seconds();
    router_->tick(now);  // tick
    link_->flush();      // send
    if (now >= next_metrics) {
      publish_metrics();
      next_metrics = now + kMetricsPeriod;
    }
  }
  publish_metrics();
}

void AssetDaemon::publish_metrics() {
  if (store_) {
    StoreStats stats = store_->stats();
    metrics_->publish(*router_, &stats);
  } else {
    metrics_->publish(*router_, nullptr);
  }
  metrics_->set_link(link_->connected(), agents_.size());
}

void AssetDaemon::send_to_agent(AgentId agent, std::vector<uint8_t> frame) {
  link_->send(proto::encode_link_frame_to_agent(agent, frame));
}

void AssetDaemon::fetch_finished(const std::string& id, double seconds, bool found) {
  metrics_->fetch_finished(seconds, found);
  log::debug("fetch of {} {} after {:.3f} s", id, found ? "done" : "failed", seconds);
}

void AssetDaemon::ensure_joined(AgentId agent) {
  if (agents_.insert(agent).second) router_->agent_joined(agent);
}

void AssetDaemon::on_link_connected() {}

void AssetDaemon::on_link_message(const proto::LinkMessage& m) {
  double now = mono_seconds();
  switch (m.kind) {
    case proto::LinkKind::kHello:
      if (m.version != proto::kAssetdLinkVersion) {
        log::warn("place speaks link version {}, this is {}", m.version, proto::kAssetdLinkVersion);
      }
      link_->send(proto::encode_link_hello());
      break;
    case proto::LinkKind::kAgentJoined:
      ensure_joined(m.agent);
      break;
    case proto::LinkKind::kAgentLeft:
      if (agents_.erase(m.agent) > 0) router_->agent_left(m.agent, now);
      break;
    case proto::LinkKind::kFrameFromAgent:
      ensure_joined(m.agent);
      router_->frame_from_agent(m.agent, m.hint_agent, m.frame, now);
      break;
    case proto::LinkKind::kDelivered:
      router_->delivered(m.agent, m.bytes);
      break;
    case proto::LinkKind::kAssetReferenced:
      ensure_joined(m.agent);
      router_->asset_referenced(m.agent, m.asset_id, now);
      break;
    case proto::LinkKind::kFrameToAgent:
      on_link_rejected("frame_to_agent_from_place");
      break;
    case proto::LinkKind::kBatch:  // LinkServer unpacks batches; they never nest
      on_link_rejected("bad_payload");
      break;
  }
}

void AssetDaemon::on_link_rejected(const std::string& reason) {
  metrics_->link_rejected(reason);
}

void AssetDaemon::on_link_disconnected() {
  double now = mono_seconds();
  for (AgentId agent : agents_) router_->agent_left(agent, now);
  agents_.clear();
}

}  // namespace allo::assetd
