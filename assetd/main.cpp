// allo-assetd: parses the configuration and runs the AssetDaemon (or prints
// the store with --inspect). See assetd_usage() and docs/ASSETD.md.
#include <enet/enet.h>

#include <atomic>
#include <cstdio>

#include "assetd/asset_store.hpp"
#include "assetd/assetd_config.hpp"
#include "assetd/assetd_daemon.hpp"
#include "common/allocator.hpp"
#include "common/log.hpp"
#include "common/stop_signal.hpp"

namespace {

int inspect(const allo::assetd::AssetdConfig& config) {
  auto stats = allo::assetd::AssetStore::inspect(config.db);
  if (!stats) {
    fmt::print(stderr, "allo-assetd: {}\n", stats.error().detail);
    return 1;
  }
  const auto& s = *stats;
  uint64_t lookups = s.hits + s.misses;
  fmt::print("store       {}\n", config.db.string());
  fmt::print("entries     {}\n", s.entries);
  fmt::print("bytes       {} stored, {} in pages, {} of the file in use\n", s.stored_bytes,
             s.data_bytes, s.in_use_bytes);
  fmt::print("budget      {}\n", s.budget_bytes);
  fmt::print("hard limit  {}\n", s.hard_limit_bytes);
  fmt::print("map size    {}\n", s.map_size);
  fmt::print("hit ratio   {:.3f} ({} hits, {} misses)\n",
             lookups ? static_cast<double>(s.hits) / lookups : 0.0, s.hits, s.misses);
  fmt::print("evictions   {}\n", s.evictions);
  fmt::print("readers     {} of {}\n", s.readers_in_use, s.max_readers);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto config = allo::assetd::parse_assetd_config({argv + 1, argv + argc});
  if (!config) {
    fmt::print(stderr, "allo-assetd: bad configuration: {}\n", config.error().detail);
    return 2;
  }
  if (config->help) {
    fmt::print("{}", allo::assetd::assetd_usage());
    return 0;
  }
  if (config->inspect) return inspect(*config);
  allo::log::configure("assetd", config->log_level);
  allo::log_malloc_in_use();
  if (enet_initialize() != 0) {
    allo::log::error("enet_initialize failed");
    return 1;
  }
  const std::atomic<bool>& stop = allo::install_stop_signals();
  int rc = 0;
  {
    auto daemon = allo::assetd::AssetDaemon::create(*config);
    if (!daemon) {
      allo::log::error("{}", daemon.error().detail);
      rc = 2;
    } else {
      (*daemon)->run(stop);
      allo::log::info("stopping");
    }
  }
  enet_deinitialize();
  return rc;
}
