#include "allo/voice_place_replies.hpp"

#include <limits>

#include "proto/json_frame.hpp"
#include "proto/limits.hpp"

namespace allo::client {
namespace {

using nlohmann::json;

// An ["error",code,detail...] body as a typed error; nullopt for other bodies.
std::optional<proto::Error> error_reply(const json& reply) {
  if (!reply.is_array() || reply.size() < 2 || reply[0] != "error" || !reply[1].is_string()) {
    return std::nullopt;
  }
  std::string detail = reply.size() > 2 && reply[2].is_string() ? reply[2].get<std::string>() : "";
  return proto::Error{reply[1].get<std::string>(), detail};
}

proto::Error bad_reply(const json& reply) {
  return proto::Error{"bad_reply", reply.dump().substr(0, 200)};
}

}  // namespace

json allocate_track_body() {
  return json::array({"allocate_track", "audio", 48000, 1, "opus"});
}

proto::Result<uint32_t> parse_allocate_track_reply(const json& reply) {
  if (auto error = error_reply(reply)) return std::unexpected(*error);
  if (!reply.is_array() || reply.size() < 2 || reply[0] != "allocate_track") {
    return std::unexpected(bad_reply(reply));
  }
  if (reply[1] == "failed") {
    std::string reason =
        reply.size() > 2 && reply[2].is_string() ? reply[2].get<std::string>() : "";
    return proto::fail("allocate_failed", reason);
  }
  if (reply[1] != "ok" || reply.size() < 3 || !reply[2].is_number_integer()) {
    return std::unexpected(bad_reply(reply));
  }
  const int64_t track = reply[2].get<int64_t>();
  if (track <= 0 || track > std::numeric_limits<uint32_t>::max()) {
    return std::unexpected(bad_reply(reply));
  }
  return static_cast<uint32_t>(track);
}

json media_token_body() {
  return json::array({"media_token"});
}

proto::Result<MediaToken> parse_media_token_reply(const json& reply) {
  if (auto error = error_reply(reply)) return std::unexpected(*error);
  if (!reply.is_array() || reply.size() < 4 || reply[0] != "media_token" || !reply[1].is_string() ||
      !reply[2].is_string() || !reply[3].is_number()) {
    return std::unexpected(bad_reply(reply));
  }
  auto endpoint = parse_endpoint(reply[2].get<std::string>());
  if (!endpoint || reply[1].get<std::string>().empty()) return std::unexpected(bad_reply(reply));
  return MediaToken{reply[1].get<std::string>(), *endpoint, reply[3].get<int64_t>()};
}

proto::Result<std::string> parse_direct_reply(std::string_view bytes) {
  auto doc = proto::decode_json(bytes, limits::kMaxClockBytes, limits::kMaxJsonDepth);
  if (!doc) return proto::fail("bad_reply", doc.error().code);
  if (!doc->is_object() || !doc->contains("type") || !(*doc)["type"].is_string()) {
    return std::unexpected(bad_reply(*doc));
  }
  const std::string type = (*doc)["type"].get<std::string>();
  if (type == "welcome" && doc->contains("agent") && (*doc)["agent"].is_string()) {
    return (*doc)["agent"].get<std::string>();
  }
  if (type == "refused") {
    auto reason = doc->value("reason", json());
    return proto::fail("refused", reason.is_string() ? reason.get<std::string>() : "");
  }
  return std::unexpected(bad_reply(*doc));
}

}  // namespace allo::client
