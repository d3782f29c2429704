// allo-sfu settings: defaults, a JSON config file (--config) and flags (which
// override the file). Pure parsing; a bad setting fails with a message that
// names it, and the daemon exits before opening anything.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/address.hpp"
#include "proto/error.hpp"

namespace allo::sfu {

struct SfuConfig {
  Endpoint link{"127.0.0.1", 21338};  // where the place connects (keep it local)
  Endpoint listen{"0.0.0.0", 21340};  // public direct-path endpoint
  std::optional<Endpoint> metrics = Endpoint{"127.0.0.1", 9102};  // nullopt = off
  std::string public_endpoint;   // advertised to clients; default: listen (0.0.0.0 -> 127.0.0.1)
  size_t workers = 0;            // 0 = one per core
  size_t max_speakers = 6;       // per listener; 0 = every speaker
  float radius = 0;              // metres; 0 = no distance culling
  size_t queue_capacity = 4096;  // packets per (source, worker) ring
  int rt_priority = 0;           // SCHED_RR priority of the fan-out threads; 0 = normal
  bool shared_socket = true;     // offer to send a local place's compatible-path voice itself
  std::string log_level = "info";
  bool help = false;
};

// Flag syntax: --name VALUE (see usage()). Error code "bad_setting"; the
// detail names the flag or config key and the offending value.
proto::Result<SfuConfig> parse_sfu_args(const std::vector<std::string_view>& args);
std::string sfu_usage();

}  // namespace allo::sfu
