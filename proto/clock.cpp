#include "proto/clock.hpp"

#include <cmath>

namespace allo::proto {
namespace {

bool read_time(const json& doc, const char* a, const char* b, double& out) {
  for (const char* key : {a, b}) {
    auto it = doc.find(key);
    if (it != doc.end() && it->is_number()) {
      out = it->get<double>();
      return std::isfinite(out);
    }
  }
  return false;
}

}  // namespace

Result<ClockRequest> parse_clock_request(const json& doc) {
  if (!doc.is_object()) return fail("malformed_clock", "clock packet must be an object");
  ClockRequest out{doc, 0};
  if (!read_time(doc, "client_time", "client_clock", out.client_time)) {
    return fail("malformed_clock", "clock packet needs a finite client_time or client_clock");
  }
  return out;
}

json clock_reply(const ClockRequest& request, double server_time) {
  json out = request.packet;
  out["client_time"] = request.client_time;
  out["client_clock"] = request.client_time;
  out["server_time"] = server_time;
  out["server_clock"] = server_time;
  return out;
}

Result<ClockReply> parse_clock_reply(const json& doc) {
  if (!doc.is_object()) return fail("malformed_clock", "clock reply must be an object");
  ClockReply out;
  if (!read_time(doc, "client_time", "client_clock", out.client_time) ||
      !read_time(doc, "server_time", "server_clock", out.server_time)) {
    return fail("malformed_clock", "clock reply needs client and server times");
  }
  return out;
}

}  // namespace allo::proto
