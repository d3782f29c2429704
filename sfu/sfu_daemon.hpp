// allo-sfu wired together: metrics server, packet mesh, N DirectWorkers (one
// thread each) and the LinkServer (run on the calling thread).
// The constructor opens every socket, so a bad address fails at start-up
// (std::runtime_error naming the setting); run() returns when `stop` is set.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "common/metrics_server.hpp"
#include "sfu/direct_worker.hpp"
#include "sfu/link_server.hpp"
#include "sfu/packet_mesh.hpp"
#include "sfu/sfu_config.hpp"
#include "sfu/sfu_metrics.hpp"

namespace allo::sfu {

class SfuDaemon {
 public:
  explicit SfuDaemon(const SfuConfig& config);
  ~SfuDaemon();
  void run(const std::atomic<bool>& stop);

 private:
  int rt_priority_;  // asked for; 0 = normal scheduling
  std::unique_ptr<MetricsServer> metrics_server_;
  std::unique_ptr<SfuMetrics> metrics_;
  std::unique_ptr<PacketMesh> mesh_;
  std::vector<std::unique_ptr<DirectWorker>> workers_;
  std::unique_ptr<LinkServer> link_;
};

}  // namespace allo::sfu
