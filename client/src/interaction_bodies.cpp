#include "allo/interaction_bodies.hpp"

namespace allo::client {

json announce_body(const json& identity, const json& avatar_spec) {
  return json::array(
      {"announce", "version", kAnnounceVersion, "identity", identity, "spawn_avatar", avatar_spec});
}

json spawn_entity_body(const json& spec) {
  return json::array({"spawn_entity", spec});
}

json remove_entity_body(std::string_view entity_id, std::string_view mode) {
  return json::array({"remove_entity", entity_id, mode});
}

json change_components_body(std::string_view entity_id, const json& add_or_change,
                            const json& remove) {
  return json::array({"change_components", entity_id, "add_or_change",
                      add_or_change.is_null() ? json::object() : add_or_change, "remove",
                      remove.is_null() ? json::array() : remove});
}

bool is_error_body(const json& body) {
  return body.is_array() && !body.empty() && body[0] == "error";
}

proto::Error error_from_body(const json& body) {
  proto::Error out;
  if (body.is_array() && body.size() > 1 && body[1].is_string()) out.code = body[1];
  if (body.is_array() && body.size() > 2) {
    out.detail = body[2].is_string() ? body[2].get<std::string>() : body[2].dump();
  }
  return out;
}

namespace {

proto::Result<std::string> reply_string(const json& body, std::string_view name) {
  if (is_error_body(body)) return std::unexpected(error_from_body(body));
  if (!body.is_array() || body.size() < 2 || body[0] != name || !body[1].is_string()) {
    return proto::fail("malformed_reply", "unexpected reply " + body.dump());
  }
  return body[1].get<std::string>();
}

}  // namespace

proto::Result<AnnounceReply> parse_announce_reply(const json& body) {
  auto id = reply_string(body, "announce");
  if (!id) return std::unexpected(id.error());
  AnnounceReply out{*id, ""};
  if (body.size() > 2 && body[2].is_string()) out.place_name = body[2];
  return out;
}

proto::Result<std::string> parse_spawn_reply(const json& body) {
  return reply_string(body, "spawn_entity");
}

}  // namespace allo::client
