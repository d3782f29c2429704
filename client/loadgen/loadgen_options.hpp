// Command line of allo-loadgen. Pure parser; errors name the flag.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "proto/error.hpp"

namespace allo::loadgen {

struct LoadgenOptions {
  std::string place_url = "alloplace://127.0.0.1:21337";
  uint32_t clients = 10;
  uint32_t speakers = 2;
  uint32_t selected = 0;  // --selected: the SFU's --max-speakers (0 = everyone)
  double seconds = 5;
  double warmup_seconds = 1;
  bool direct = true;          // --path direct|compatible
  uint32_t decode_every = 97;  // decode every Nth delivery (0 = never)
  // --listeners sink: during the send window no voice is read (a socket
  // filter on every direct link has the kernel drop it), every connection
  // is polled every 100 ms (or at intent_hz) so it stays up, and frames go out in
  // 2 ms bursts. A saturation test of the SFU: count its packets out, not
  // deliveries (the report's delivered/latency are then meaningless).
  bool sink = false;
  double intent_hz = 20;  // --intent-hz: intents (with the state ack) per client per second
  double setup_timeout_seconds = 60;
  // --threads: event-loop threads the clients are spread over (client i on
  // thread i % T); 0 = one per core. Never more than --clients.
  uint32_t threads = 0;
};

inline constexpr uint32_t kMaxLoadgenClients = 4000;
inline constexpr double kMaxLoadgenSeconds = 600;
inline constexpr uint32_t kMaxLoadgenThreads = 64;

// Flags: --place URL --clients N --speakers S --selected K --seconds T
// --warmup T --path direct|compatible --decode-every N --setup-timeout T
// --listeners read|sink --threads T.
// Errors: "bad_flag" (detail: "--clients: expected 1..4000, got 'x'", ...),
// "help" (for -h/--help; detail is the usage text).
proto::Result<LoadgenOptions> parse_loadgen_options(const std::vector<std::string>& args);
std::string loadgen_usage();

}  // namespace allo::loadgen
