// alloplace's configuration: command-line flags over an optional JSON config
// file (--config FILE) over built-in defaults. Bad configuration fails fast
// with a message that names the setting.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/address.hpp"
#include "common/log.hpp"
#include "proto/error.hpp"
#include "proto/limits.hpp"

namespace allo::place {

struct PlaceConfig {
  Endpoint listen{"127.0.0.1", 21337};
  std::optional<Endpoint> metrics = Endpoint{"127.0.0.1", 9101};  // nullopt: "off"
  std::string name = "Unnamed place";
  double tick_hz = 20.0;
  double announce_timeout = 10.0;
  double request_timeout = 30.0;
  size_t max_peers = 1024;
  int rt_priority = 0;             // SCHED_RR priority of the event loop; 0 = normal scheduling
  double rt_max_load = 0.75;       // the loop leaves SCHED_RR above this share of a core
  uint64_t state_window = 32;      // StateFlowLimits::window; 0 = no state flow control
  std::optional<Endpoint> sfu;     // later issues: the SFU link
  std::optional<Endpoint> assetd;  // later issues: the asset daemon link
  log::Level log_level = log::Level::kInfo;
  // The interaction ACL (docs/ACL.md): where its rules are saved ("" keeps
  // changes in memory), the place owner's key, and the local admin token file.
  std::string acl_file;
  std::string owner_key;
  std::string admin_token_file;
  bool help = false;
};

// The largest state-window: a held client must still hold its acknowledged
// revision (limits::kStateHistoryRevisions).
inline constexpr int kMaxStateWindow = static_cast<int>(limits::kStateHistoryRevisions) - 1;

// The --help text: every flag and config key.
std::string place_usage();

// Parses argv (without argv[0]). Error code "bad_config"; detail names the
// flag or key and the accepted values.
proto::Result<PlaceConfig> parse_place_config(const std::vector<std::string>& args);

}  // namespace allo::place
