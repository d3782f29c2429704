// Clock sync (channel 4). Clients send their monotonic time; the place echoes
// the packet with its own time. The seeds name the fields client_clock /
// server_clock; deployed clients send client_time and read server_time. The
// reply carries both namings so either kind of client is served.
#pragma once

#include <nlohmann/json.hpp>

#include "proto/error.hpp"

namespace allo::proto {

using nlohmann::json;

struct ClockRequest {
  json packet;          // the original object, echoed back
  double client_time;   // from client_time or client_clock
};

// Error codes: "malformed_clock" (not an object, no finite client_time / client_clock).
Result<ClockRequest> parse_clock_request(const json& doc);

// The echo: the request's fields plus client_time, client_clock, server_time
// and server_clock.
json clock_reply(const ClockRequest& request, double server_time);

// What a client reads back: server time and its own send time.
struct ClockReply {
  double client_time = 0;
  double server_time = 0;
};
Result<ClockReply> parse_clock_reply(const json& doc);

}  // namespace allo::proto
