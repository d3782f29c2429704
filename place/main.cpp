// alloplace: wires configuration, metrics and the ENet server together.
#include <enet/enet.h>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <memory>
#include <stdexcept>

#include "common/allocator.hpp"
#include "common/log.hpp"
#include "common/metrics_server.hpp"
#include "common/stop_signal.hpp"
#include "place/acl_command.hpp"
#include "place/acl_gate.hpp"
#include "place/asset_link.hpp"
#include "place/place_config.hpp"
#include "place/place_metrics.hpp"
#include "place/place_server.hpp"
#include "place/place_subscriptions.hpp"
#include "place/voice_service.hpp"

int main(int argc, char** argv) {
  using namespace allo;
  // `alloplace acl ...`: offline ACL editor for the local admin (docs/ACL.md).
  if (argc > 1 && std::string_view(argv[1]) == "acl")
    return place::run_acl_command(std::vector<std::string>(argv + 2, argv + argc), std::cout,
                                  std::cerr);
  auto config = place::parse_place_config(std::vector<std::string>(argv + 1, argv + argc));
  if (!config) {
    std::fprintf(stderr, "alloplace: %s\n", config.error().detail.c_str());
    return 2;
  }
  if (config->help) {
    std::fputs(place::place_usage().c_str(), stdout);
    return 0;
  }
  log::configure("alloplace", config->log_level);
  allo::log_malloc_in_use();
  if (enet_initialize() != 0) {
    log::error("cannot initialize ENet");
    return 1;
  }
  const std::atomic<bool>& stop = allo::install_stop_signals();
  try {
    MetricsServer metrics(config->metrics);
    place::PlaceMetrics place_metrics(metrics.registry());
    place::PlaceServer server(*config, place_metrics);
    // Optional features and links: each block constructs one object that
    // registers itself with server.place() (commands, observers, channel
    // handlers) and/or server.add_service(); they live until run() returns.
    // Voice: tracks always; the SFU link when --sfu is set.
    place::VoiceService voice(server, config->sfu, metrics.registry());
    // Assets: channel 2 relayed to allo-assetd when --assetd is set.
    std::unique_ptr<place::AssetLink> assets;
    if (config->assetd)
      assets = std::make_unique<place::AssetLink>(server, *config->assetd, metrics.registry());
    // Pub/sub and the interaction ACL (docs/ACL.md): always on.
    place::PlaceSubscriptions subscriptions(server.place(), metrics.registry());
    auto acl = place::AclGate::open(server.place(), metrics.registry(), config->acl_file,
                                    config->owner_key, config->admin_token_file);
    if (!acl) throw std::runtime_error(acl.error().detail);
    log::info("place \"{}\" listening on alloplace://{} (metrics: {})", config->name,
              config->listen.to_string(),
              config->metrics ? "http://" + config->metrics->to_string() + "/metrics" : "off");
    server.run(stop);
    log::info("stopped");
  } catch (const std::exception& e) {
    log::error("{}", e.what());
    enet_deinitialize();
    return 1;
  }
  enet_deinitialize();
  return 0;
}
