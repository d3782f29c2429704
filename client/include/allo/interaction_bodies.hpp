// Bodies of the official place interactions (specifications-interactions.md)
// and readers for their replies. Pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "proto/error.hpp"

namespace allo::client {

using nlohmann::json;

inline constexpr int kAnnounceVersion = 2;

// ["announce","version",2,"identity",{...},"spawn_avatar",{...}]
json announce_body(const json& identity, const json& avatar_spec);
// ["spawn_entity",{...spec...}]
json spawn_entity_body(const json& spec);
// ["remove_entity","<id>","cascade"|"reparent"]
json remove_entity_body(std::string_view entity_id, std::string_view mode);
// ["change_components","<id>","add_or_change",{...},"remove",[...]]
json change_components_body(std::string_view entity_id, const json& add_or_change,
                            const json& remove);

// True for ["error", ...].
bool is_error_body(const json& body);
// The Error carried by ["error", code, detail] (missing fields become "").
proto::Error error_from_body(const json& body);

struct AnnounceReply {
  std::string avatar_id;
  std::string place_name;
};
// ["announce","<avatar id>","<place name>"]. Errors: the code/detail of an error
// body, or "malformed_reply" for anything else.
proto::Result<AnnounceReply> parse_announce_reply(const json& body);

// ["spawn_entity","<id>"]. Errors as above.
proto::Result<std::string> parse_spawn_reply(const json& body);

}  // namespace allo::client
