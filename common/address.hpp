// Parsing of "HOST:PORT" endpoints and alloplace:// URLs. Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace allo {

struct Endpoint {
  std::string host;
  uint16_t port = 0;
  std::string to_string() const { return host + ":" + std::to_string(port); }
};

// "127.0.0.1:21337" -> {host, port}. Returns nullopt when the port is missing,
// not a number, 0 or above 65535, or the host is empty.
std::optional<Endpoint> parse_endpoint(std::string_view text);

// "alloplace://host[:port]" (port defaults to 21337). nullopt on another scheme.
std::optional<Endpoint> parse_place_url(std::string_view url);

inline constexpr uint16_t kDefaultPlacePort = 21337;

}  // namespace allo
