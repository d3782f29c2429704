// allo-sfu: parses settings, opens the sockets, runs until SIGINT/SIGTERM.
#include <enet/enet.h>

#include <atomic>
#include <cstdio>
#include <stdexcept>

#include "common/allocator.hpp"
#include "common/log.hpp"
#include "common/stop_signal.hpp"
#include "sfu/sfu_config.hpp"
#include "sfu/sfu_daemon.hpp"

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  auto config = allo::sfu::parse_sfu_args(args);
  if (!config) {
    std::fprintf(stderr, "allo-sfu: %s\n%s", config.error().detail.c_str(),
                 allo::sfu::sfu_usage().c_str());
    return 2;
  }
  if (config->help) {
    std::fputs(allo::sfu::sfu_usage().c_str(), stdout);
    return 0;
  }
  allo::log::Level level = allo::log::Level::kInfo;
  allo::log::parse_level(config->log_level, level);
  allo::log::configure("sfu", level);
  allo::log_malloc_in_use();
  if (enet_initialize() != 0) {
    allo::log::error("enet_initialize failed");
    return 1;
  }
  const std::atomic<bool>& stop = allo::install_stop_signals();
  try {
    allo::sfu::SfuDaemon daemon(*config);
    daemon.run(stop);
  } catch (const std::exception& e) {
    allo::log::error("allo-sfu: {}", e.what());
    enet_deinitialize();
    return 2;
  }
  enet_deinitialize();
  allo::log::info("allo-sfu: stopped");
  return 0;
}
