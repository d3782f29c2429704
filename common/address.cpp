#include "common/address.hpp"

#include <charconv>

namespace allo {

std::optional<Endpoint> parse_endpoint(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || ptr != port_text.data() + port_text.size() || port == 0 ||
      port > 65535) {
    return std::nullopt;
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) return std::nullopt;
  return Endpoint{std::string(host), static_cast<uint16_t>(port)};
}

std::optional<Endpoint> parse_place_url(std::string_view url) {
  constexpr std::string_view kScheme = "alloplace://";
  if (url.substr(0, kScheme.size()) != kScheme) return std::nullopt;
  std::string_view rest = url.substr(kScheme.size());
  if (auto slash = rest.find('/'); slash != std::string_view::npos) rest = rest.substr(0, slash);
  if (rest.empty()) return std::nullopt;
  // No port: "host" or "[v6]" (a bare IPv6 address must be bracketed).
  bool bracketed = rest.front() == '[' && rest.back() == ']';
  if (bracketed || rest.find(':') == std::string_view::npos) {
    if (bracketed) rest = rest.substr(1, rest.size() - 2);
    if (rest.empty()) return std::nullopt;
    return Endpoint{std::string(rest), kDefaultPlacePort};
  }
  return parse_endpoint(rest);
}

}  // namespace allo
