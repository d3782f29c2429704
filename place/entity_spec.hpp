// Validation of the entity specs clients send in spawn_entity and
// announce.spawn_avatar: components under "components" and/or loose at the
// top level (the "components" object wins on a clash), optional "children"
// (each a spec). Pure function; limits from proto/limits.hpp.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "proto/error.hpp"

namespace allo::place {

struct EntitySpec {
  nlohmann::json components = nlohmann::json::object();
  std::vector<EntitySpec> children;
};

// Error codes: "invalid_spec" (not an object, children not a list of objects),
// "reserved_component" (see check_client_components),
// "invalid_component" (a component value that is not an object),
// "component_too_large", "too_many_components".
proto::Result<EntitySpec> parse_entity_spec(const nlohmann::json& spec);

// Checks one components object (as in change_components add_or_change).
// Same error codes as above.
proto::Result<void> validate_components(const nlohmann::json& components);

// Components only the place may write (live_media: tracks are allocated with
// allocate_track). Error code "reserved_component" when a client sends one.
proto::Result<void> check_client_components(const nlohmann::json& components);

// Removes null members from objects, recursively through objects (arrays are
// values in RFC 7386 and keep their elements). State goes to clients as merge
// patches, where a null member means "delete": stored nulls would make
// clients that got a merge differ from clients that got a set.
void strip_null_members(nlohmann::json& value);

// Serialized bytes of a spec's components, children included (an estimate
// of what the entities will weigh, for the per-agent byte budget).
size_t spec_bytes(const EntitySpec& spec);

// Number of entities a spec creates (itself and all descendants).
size_t entity_count(const EntitySpec& spec);

}  // namespace allo::place
