#include "sfu/sfu_daemon.hpp"

#include "common/log.hpp"
#include "common/realtime.hpp"

namespace allo::sfu {

SfuDaemon::SfuDaemon(const SfuConfig& config) : rt_priority_(config.rt_priority) {
  metrics_server_ = std::make_unique<MetricsServer>(config.metrics);
  metrics_ = std::make_unique<SfuMetrics>(metrics_server_->registry(), config.workers);
  mesh_ = std::make_unique<PacketMesh>(config.workers, config.queue_capacity);
  Endpoint listen = config.listen;
  std::vector<DirectWorker*> raw;
  for (size_t i = 0; i < config.workers; ++i) {
    workers_.push_back(std::make_unique<DirectWorker>(i, config, listen, *mesh_, *metrics_));
    listen.port = workers_.back()->bound_port();  // port 0: the others share the first's port
    raw.push_back(workers_.back().get());
  }
  link_ = std::make_unique<LinkServer>(config, config.public_endpoint, std::move(raw), *mesh_,
                                       *metrics_);
  log::info("allo-sfu: link {}:{}, direct path {}:{} ({} workers, advertised as {}), metrics {}",
            config.link.host, link_->bound_port(), listen.host, listen.port, config.workers,
            config.public_endpoint, config.metrics ? config.metrics->to_string() : "off");
}

SfuDaemon::~SfuDaemon() {
  for (auto& worker : workers_) worker->stop();
}

void SfuDaemon::run(const std::atomic<bool>& stop) {
  // The link thread is this one; the workers follow it only if it got the
  // priority (they would be refused for the same reason).
  const int rt_priority = apply_rt_priority(rt_priority_, "link thread (and workers)");
  metrics_->set_rt_priority(rt_priority);
  for (auto& worker : workers_) worker->start(rt_priority);
  link_->run(stop);
  for (auto& worker : workers_) worker->stop();
}

}  // namespace allo::sfu
