// Client: interactions on channel 1 (announce, requests, responses, oneways).
#include <fmt/format.h>

#include "allo/client.hpp"
#include "allo/interaction_bodies.hpp"
#include "common/log.hpp"
#include "common/mono_clock.hpp"
#include "proto/json_frame.hpp"
#include "proto/limits.hpp"

namespace allo::client {

proto::Result<void> Client::send_interaction(proto::InteractionType type, const std::string& to,
                                             const std::string& request_id, const json& body) {
  if (!body.is_array() || body.empty() || !body[0].is_string()) {
    return proto::fail("bad_body", "an interaction body is an array starting with a string");
  }
  proto::Interaction out{type, avatar_id_, to, request_id, body};
  return send_json(limits::kChannelCommands, proto::to_json(out), true);
}

proto::Result<std::string> Client::request(const std::string& to, const json& body,
                                           ResponseCallback callback) {
  std::string id = requests_.next_id();
  auto sent = send_interaction(proto::InteractionType::kRequest, to, id, body);
  if (!sent) return std::unexpected(sent.error());
  requests_.add(id, to, mono_seconds() + options_.request_timeout_seconds, std::move(callback));
  return id;
}

proto::Result<void> Client::oneway(const std::string& to, const json& body) {
  return send_interaction(proto::InteractionType::kOneway, to, "", body);
}

proto::Result<void> Client::respond(const proto::Interaction& incoming, const json& body) {
  if (incoming.type != proto::InteractionType::kRequest) {
    return proto::fail("not_a_request", "only requests can be answered");
  }
  return send_interaction(proto::InteractionType::kResponse, incoming.from, incoming.request_id,
                          body);
}

proto::Result<void> Client::announce(const json& identity, const json& avatar_spec,
                                     AnnounceCallback callback) {
  auto id = request("place", announce_body(identity, avatar_spec),
                    [this, callback = std::move(callback)](const json& reply) {
                      AnnounceResult result;
                      auto parsed = parse_announce_reply(reply);
                      if (parsed) {
                        avatar_id_ = parsed->avatar_id;
                        place_name_ = parsed->place_name;
                        result.ok = true;
                        result.avatar_id = parsed->avatar_id;
                        result.place_name = parsed->place_name;
                      } else {
                        result.error = parsed.error();
                      }
                      if (callback) callback(result);
                    });
  if (!id) return std::unexpected(id.error());
  return {};
}

proto::Result<std::string> Client::spawn_entity(const json& spec, ResponseCallback callback) {
  return request("place", spawn_entity_body(spec), std::move(callback));
}

proto::Result<std::string> Client::remove_entity(const std::string& entity_id,
                                                 std::string_view mode, ResponseCallback callback) {
  return request("place", remove_entity_body(entity_id, mode.empty() ? "cascade" : mode),
                 std::move(callback));
}

proto::Result<std::string> Client::change_components(const std::string& entity_id,
                                                     const json& add_or_change, const json& remove,
                                                     ResponseCallback callback) {
  return request("place", change_components_body(entity_id, add_or_change, remove),
                 std::move(callback));
}

void Client::handle_interaction(const std::string& data) {
  auto doc = proto::decode_json(data, limits::kMaxPacketBytes, limits::kMaxJsonDepth);
  if (!doc) {
    ++stats_.malformed_packets;
    log::warn("interaction discarded: {} ({})", doc.error().code, doc.error().detail);
    return;
  }
  auto interaction = proto::parse_interaction(*doc);
  if (!interaction) {
    ++stats_.malformed_packets;
    log::warn("interaction discarded: {} ({})", interaction.error().code,
              interaction.error().detail);
    return;
  }
  ++stats_.interactions_received;
  if (interaction->type == proto::InteractionType::kResponse) {
    if (auto callback = requests_.take(interaction->request_id)) {
      if (*callback) (*callback)(interaction->body);
      return;
    }
  }
  if (on_interaction_) {
    on_interaction_(*interaction);
  } else if (interaction->type == proto::InteractionType::kRequest) {
    (void)respond(*interaction, proto::error_body("not_handled", "this agent handles no requests"));
  }
}

void Client::fail_all_pending(const char* code, const std::string& detail) {
  for (auto& pending : requests_.take_all()) {
    if (pending.callback) pending.callback(proto::error_body(code, detail));
  }
}

}  // namespace allo::client
