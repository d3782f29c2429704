// allo-assetd's event loop: the place link in, the AssetRouter in the middle,
// the AssetStore (unless the budget is 0) and the metrics beside it. One
// thread runs the loop; the store has its own writer thread.
#pragma once

#include <atomic>
#include <memory>
#include <set>

#include "assetd/asset_router.hpp"
#include "assetd/asset_store.hpp"
#include "assetd/assetd_config.hpp"
#include "assetd/assetd_metrics.hpp"
#include "assetd/link_server.hpp"
#include "common/metrics_server.hpp"

namespace allo::assetd {

class AssetDaemon : AssetRouter::Listener, LinkServer::Listener {
 public:
  // Opens the store, binds the link and the metrics endpoint. Errors name the
  // failing setting ("db", "link", "metrics").
  static proto::Result<std::unique_ptr<AssetDaemon>> create(const AssetdConfig& config);
  ~AssetDaemon() override;

  // Runs until `stop` becomes true: poll -> handle -> tick -> send -> metrics.
  void run(const std::atomic<bool>& stop);

 private:
  explicit AssetDaemon(const AssetdConfig& config);

  // AssetRouter::Listener
  void send_to_agent(AgentId agent, std::vector<uint8_t> frame) override;
  void fetch_finished(const std::string& id, double seconds, bool found) override;
  // LinkServer::Listener
  void on_link_connected() override;
  void on_link_message(const proto::LinkMessage& message) override;
  void on_link_rejected(const std::string& reason) override;
  void on_link_disconnected() override;

  void ensure_joined(AgentId agent);
  void publish_metrics();

  AssetdConfig config_;
  std::unique_ptr<MetricsServer> metrics_server_;
  std::unique_ptr<AssetdMetrics> metrics_;
  std::unique_ptr<AssetStore> store_;
  std::unique_ptr<AssetRouter> router_;
  std::unique_ptr<LinkServer> link_;
  std::set<AgentId> agents_;
};

}  // namespace allo::assetd
